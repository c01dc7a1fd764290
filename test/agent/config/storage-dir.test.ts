/**
 * The one storage.dir check (check-config, Service.start and so `lookout
 * run`): usable directories pass, everything else is ONE line naming the
 * directory and the fix. The "not writable" lines are checked as another user
 * (a child process as nobody, like the image runs as node), because root may
 * write anywhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareStorageDir, StorageDirError, storageDirProblem } from '../../../agent/config/storage-dir';
import { repoRoot } from '../../helpers/repo';

const NOBODY = { uid: 65534, gid: 65534 };
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** storageDirProblem(dir) as uid/gid 65534; undefined when this process may not switch users. */
function problemAsNobody(dir: string): string | undefined {
  const script = `process.stdout.write(String(require(${JSON.stringify(path.join(repoRoot, 'agent/config/storage-dir.ts'))}).storageDirProblem(${JSON.stringify(dir)})))`;
  const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { ...NOBODY, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the check as uid ${NOBODY.uid} failed: ${r.stderr}`);
  return r.stdout;
}

describe('storage.dir check', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-storage-'));
    chmodSync(tmp, 0o755);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('an existing writable directory is fine and keeps no write probe', () => {
    assert.equal(storageDirProblem(tmp), undefined);
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('a missing directory below a writable one is fine; prepareStorageDir creates it', () => {
    const dir = path.join(tmp, 'a/b');
    assert.equal(storageDirProblem(dir), undefined);
    assert.equal(existsSync(dir), false, 'the check alone creates nothing');
    prepareStorageDir(dir);
    assert.equal(existsSync(dir), true);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a file, or a path below a file: one line naming the directory', () => {
    const file = path.join(tmp, 'file');
    writeFileSync(file, '');
    assert.equal(storageDirProblem(file), `${file} is not a directory; set storage.dir to a writable directory`);
    assert.equal(storageDirProblem(path.join(file, 'data')), `${path.join(file, 'data')} cannot be created: ${file} is not a directory; set storage.dir to a writable directory`);
    assert.throws(() => prepareStorageDir(path.join(file, 'data')), (err: Error) => {
      assert.ok(err instanceof StorageDirError);
      assert.match(err.message, new RegExp(`^storage\\.dir: ${escape(path.join(file, 'data'))} cannot be created`));
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  });

  describe('as another user (needs root)', () => {
    before(function () {
      if (typeof process.getuid !== 'function' || process.getuid() !== 0) this.skip();
      // nobody must be able to read the checkout (not so under a 0700 home directory).
      const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(path.join(repoRoot, 'agent/config/storage-dir.ts'))})`], NOBODY);
      if (probe.status !== 0) this.skip();
    });

    it('a root-owned directory: who tried, who owns it, the chown that fixes it', () => {
      const dir = path.join(tmp, 'data');
      mkdirSync(dir, { mode: 0o755 });
      const line = problemAsNobody(dir)!;
      assert.ok(!line.includes('\n'), line);
      assert.match(line, new RegExp(`^${escape(dir)} is not writable \\(EACCES\\) by uid 65534, gid 65534; it is owned by uid 0, gid 0 with mode 0755: chown -R 65534:65534 ${escape(dir)} \\(Kubernetes: set securityContext\\.fsGroup`));
      assert.match(line, /or set storage\.dir to a writable directory$/);
    });

    it('a missing directory below a root-owned one: create it beforehand, writable for this user', () => {
      const dir = path.join(tmp, 'data');
      const line = problemAsNobody(dir)!;
      assert.match(line, new RegExp(`^${escape(dir)} cannot be created \\(EACCES on ${escape(tmp)}; it is owned by uid 0, gid 0 with mode 0755\\) by uid 65534, gid 65534: create it writable for this user \\(Dockerfile: RUN mkdir -p DIR && chown node:node DIR`));
    });

    it('a writable directory is fine for that user too', () => {
      const dir = path.join(tmp, 'data');
      mkdirSync(dir);
      chmodSync(dir, 0o777);
      assert.equal(problemAsNobody(dir), 'undefined');
    });
  });
});
