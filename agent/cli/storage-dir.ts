/**
 * Checks storage.dir before anything starts, so an unwritable directory
 * (the classic: a volume mounted root-owned into an image that runs as a
 * non-root user) fails with ONE line naming the directory, who may write it,
 * and the fix, instead of a component's SQLite error deep in the start-up.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';

function who(): string {
  return typeof process.getuid === 'function' ? `uid ${process.getuid()}, gid ${process.getgid!()}` : 'this user';
}

/** Returns a one-line problem description, or undefined when the agent can use the directory. */
export function storageDirProblem(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `storage.dir ${dir} cannot be created (${e.code ?? e.message}) by ${who()}: create it writable for this user `
      + '(Dockerfile: RUN mkdir -p DIR && chown node:node DIR; Kubernetes: mount an emptyDir or set securityContext.fsGroup) or set storage.dir to a writable directory';
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    let owner = '';
    try {
      const st = statSync(dir);
      owner = `; it is owned by uid ${st.uid}, gid ${st.gid} with mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`;
    } catch { /* keep the line without the owner */ }
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const chown = uid === undefined ? 'chown it to this user' : `chown -R ${uid}:${process.getgid!()} ${dir}`;
    return `storage.dir ${dir} is not writable (${e.code ?? e.message}) by ${who()}${owner}: ${chown} `
      + '(Kubernetes: set securityContext.fsGroup or mount an emptyDir; docker: let the image create the volume\'s mount point owned by node) or set storage.dir to a writable directory';
  }
}
