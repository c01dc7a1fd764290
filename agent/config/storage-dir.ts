/**
 * Whether storage.dir can hold the agent's state: an existing writable
 * directory, or a path whose nearest existing ancestor is a writable
 * directory (it will be created). Checked by `lookout check-config` and
 * before the service starts anything, so an unusable path is one clear
 * error naming the directory instead of a failure deep in a component.
 */
import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** undefined when usable; otherwise why not, naming the directory. */
export function storageDirProblem(dir: string): string | undefined {
  const abs = path.resolve(dir);
  let existing = abs;
  for (;;) {
    let st;
    try {
      st = statSync(existing);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${existing} cannot be read: ${(err as Error).message}`;
      const parent = path.dirname(existing);
      if (parent === existing) return `no part of ${abs} exists`;
      existing = parent;
      continue;
    }
    if (!st.isDirectory()) {
      return existing === abs ? `${abs} is not a directory` : `${abs} cannot be created: ${existing} is not a directory`;
    }
    break;
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    return existing === abs ? `${abs} is not writable` : `${abs} cannot be created: ${existing} is not writable`;
  }
  if (existing !== abs) return undefined;
  // access() says yes for root on a read-only filesystem: write a probe to be sure.
  const probe = path.join(abs, `.lookout-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    return `${abs} is not writable: ${(err as Error).message}`;
  }
  return undefined;
}

/** Creates storage.dir (recursively) after checking it; throws an Error naming the directory. */
export function prepareStorageDir(dir: string): void {
  const problem = storageDirProblem(dir);
  if (problem) throw new Error(`storage.dir is unusable: ${problem}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`storage.dir is unusable: cannot create ${path.resolve(dir)}: ${(err as Error).message}`);
  }
  const problemAfter = storageDirProblem(dir);
  if (problemAfter) throw new Error(`storage.dir is unusable: ${problemAfter}`);
}
