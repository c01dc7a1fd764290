/**
 * Event-loop turns shared by every piece of work that can hold the loop
 * for milliseconds: query slices, exposition chunks and OTLP requests
 * (decode, then validation and the pipeline). Waiters are released one per
 * event-loop iteration (setImmediate), so I/O — /healthz, the next request's
 * bytes — gets the poll phase after every single chunk, however many
 * requests and queries are queued: without it, every request whose body
 * completed in one poll phase is decoded and stored back to back, and a
 * health check waits for all of them.
 */
const waiting: (() => void)[] = [];
let pumping = false;

function pump(): void {
  waiting.shift()?.();
  // Queued from inside the check phase, the next release runs after the next poll phase.
  if (waiting.length > 0) setImmediate(pump);
  else pumping = false;
}

/** Resolves at this caller's next turn of the event loop, after I/O had one (FIFO among all waiting callers). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

/** Callers waiting for their turn (for tests and the agent's own metrics). */
export function turnsWaiting(): number {
  return waiting.length;
}
