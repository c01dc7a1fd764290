/**
 * The one storage.dir check. `lookout check-config` reports it as a
 * `storage.dir: ...` problem; Service.start runs it before anything starts,
 * so `lookout run` fails with that one line instead of a component's SQLite
 * error deep in the start-up. Usable means an existing writable directory, or
 * a path whose nearest existing ancestor is a writable directory (it is
 * created). The message names the directory, who tried, who owns it and the
 * fix: the classic case is a volume mounted root-owned into an image that runs
 * as a non-root user.
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SET_ANOTHER = 'set storage.dir to a writable directory';

/** Thrown by prepareStorageDir; the message is one `storage.dir: ...` line. */
export class StorageDirError extends Error {
  constructor(readonly problem: string) {
    super(`storage.dir: ${problem}`);
    this.name = 'StorageDirError';
  }
}

function who(): string {
  return typeof process.getuid === 'function' ? `uid ${process.getuid()}, gid ${process.getgid!()}` : 'this user';
}

function code(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

/** "; it is owned by uid 0, gid 0 with mode 0755", or '' when it cannot be read. */
function owner(dir: string): string {
  try {
    const st = statSync(dir);
    return `; it is owned by uid ${st.uid}, gid ${st.gid} with mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`;
  } catch {
    return '';
  }
}

/** An existing directory this user may not write: the chown that fixes it. */
function notWritable(dir: string, err: unknown): string {
  const why = code(err);
  const head = `${dir} is not writable (${why}) by ${who()}${owner(dir)}`;
  if (why === 'EROFS') return `${head}: the filesystem is read-only; mount a writable volume there or ${SET_ANOTHER}`;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const chown = uid === undefined ? 'chown it to this user' : `chown -R ${uid}:${process.getgid!()} ${dir}`;
  return `${head}: ${chown} (Kubernetes: set securityContext.fsGroup or mount an emptyDir; docker: let the image create the volume's mount point owned by node) or ${SET_ANOTHER}`;
}

/** A directory that cannot be created: create it beforehand, writable for this user. */
function cannotCreate(dir: string, why: string): string {
  return `${dir} cannot be created (${why}) by ${who()}: create it writable for this user `
    + `(Dockerfile: RUN mkdir -p DIR && chown node:node DIR; Kubernetes: mount an emptyDir or set securityContext.fsGroup) or ${SET_ANOTHER}`;
}

/** undefined when the agent can use dir (creating it if missing); otherwise one line naming the directory and the fix. */
export function storageDirProblem(dir: string): string | undefined {
  const abs = path.resolve(dir);
  let existing = abs;
  for (;;) {
    let st;
    try {
      st = statSync(existing);
    } catch (err) {
      const why = code(err);
      if (why !== 'ENOENT' && why !== 'ENOTDIR') return `${existing} cannot be read (${why}) by ${who()}; ${SET_ANOTHER}`;
      const parent = path.dirname(existing);
      if (parent === existing) return `no part of ${abs} exists; ${SET_ANOTHER}`;
      existing = parent;
      continue;
    }
    if (!st.isDirectory()) {
      return existing === abs ? `${abs} is not a directory; ${SET_ANOTHER}` : `${abs} cannot be created: ${existing} is not a directory; ${SET_ANOTHER}`;
    }
    break;
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    return existing === abs ? notWritable(abs, err) : cannotCreate(abs, `${code(err)} on ${existing}${owner(existing)}`);
  }
  if (existing !== abs) return undefined;
  // access() says yes for root on a read-only filesystem: write a probe to be sure.
  const probe = path.join(abs, `.lookout-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    return notWritable(abs, err);
  }
  return undefined;
}

/** Creates storage.dir (recursively) after checking it; throws a StorageDirError naming the directory and the fix. */
export function prepareStorageDir(dir: string): void {
  const problem = storageDirProblem(dir);
  if (problem) throw new StorageDirError(problem);
  if (existsSync(dir)) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new StorageDirError(cannotCreate(path.resolve(dir), code(err)));
  }
  // Created just now: the write probe runs on the new directory.
  const after = storageDirProblem(dir);
  if (after) throw new StorageDirError(after);
}
