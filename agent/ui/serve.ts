/**
 * Serves the web UI (built by scripts/build-ui.mjs into dist/ui) on the
 * admin port: `GET /` is the page, `/ui/assets/*` its content-hashed
 * scripts and styles. It mounts after the admin guard, so the page needs
 * the same credentials as the API it reads (a GET: a read, protected by
 * admin.auth.protect_reads).
 *
 * Caching: index.html is revalidated on every load (no-cache) so an agent
 * upgrade shows the new page at once; assets carry their content hash in
 * the name and are cached for a year (immutable).
 */
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the built UI is: from sources (agent/ui -> dist/ui) or from the build (dist/agent/ui -> dist/ui). */
export function defaultUiDir(): string {
  const candidates = [path.resolve(__dirname, '../../ui'), path.resolve(__dirname, '../../dist/ui')];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[candidates.length - 1];
}

/** The page only talks to its own origin; nothing is framed, nothing inline runs. */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export function uiRouter(dir: string = defaultUiDir()): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.get(['/', '/index.html'], (_req, res) => {
    // Read per request (under a kilobyte): a rebuild under a running agent serves the new asset names at once.
    readFile(index, 'utf8').then((page) => {
      res.set({ ...PAGE_HEADERS, 'Cache-Control': 'no-cache' }).type('text/html; charset=utf-8').send(page);
    }, (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `${index} is missing (run npm run build)` : `${index}: ${err.message}`;
      res.status(503).type('text/plain').send(`the web UI is not built: ${why}\n`);
    });
  });
  router.use('/ui/assets', express.static(path.join(dir, 'assets'), {
    index: false, redirect: false, dotfiles: 'ignore', immutable: true, maxAge: '365d',
    setHeaders: (res) => { res.setHeader('X-Content-Type-Options', 'nosniff'); },
  }));
  return router;
}
