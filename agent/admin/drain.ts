/** Waiting for a slow HTTP client without leaking listeners. */
import type http from 'node:http';

/**
 * Resolves when the response drains or closes, removing the listener that did
 * not fire: a slow scraper causes one wait per chunk, and listeners left
 * behind would pile up on the response (MaxListenersExceededWarning).
 */
export function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
