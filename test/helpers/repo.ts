import path from 'node:path';
import { existsSync } from 'node:fs';

/** The repository root (the folder holding package.json), whatever depth a test sits at. */
export const repoRoot: string = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
})();
