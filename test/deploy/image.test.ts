/**
 * The image's situation, recreated by hand (no container engine here): the
 * agent runs as a non-root user (the image's `node`; here `nobody`) with
 * storage.dir prepared exactly as deploy/Dockerfile prepares it (the
 * directories its RUN creates and chowns to its USER; a fresh named volume
 * inherits that ownership) and the shipped deploy/lookout.yaml: it starts and
 * becomes ready. With a root-owned directory (what a volume on a directory
 * the image never created gets) it fails with ONE line naming the directory
 * and the fix.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { freePort } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';
import { readDockerfile } from './dockerfile';

/** Stands in for the image's `node` user (uid 1000 there). */
const RUN_AS = { uid: 65534, gid: 65534 };

interface Run { exit: Promise<number | null>; output(): string; kill(): void }

function runAs(root: string, configFile: string): Run {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(repoRoot, 'agent/cli/main.ts'), 'run', '--config', configFile], {
    cwd: root, uid: RUN_AS.uid, gid: RUN_AS.gid, env: { PATH: process.env.PATH, HOME: root }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return { exit: new Promise((r) => child.on('exit', (code) => r(code))), output: () => out, kill: () => child.kill('SIGTERM') };
}

describe('the image situation: non-root user, storage.dir as the Dockerfile prepares it', function () {
  this.timeout(60_000);
  const dockerfile = readDockerfile();
  let root = '';
  let adminPort = 0;

  before(function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
      // Switching to another user needs root; CI (.ci/run) runs as root.
      console.log('    skipped: the test must run as root to start the agent as another user');
      this.skip();
    }
    // The other user must be able to read the checkout and node_modules (not so under a 0700 home directory).
    const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require('fs').accessSync(${JSON.stringify(path.join(repoRoot, 'agent/cli/main.ts'))})`],
      { ...RUN_AS, encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log(`    skipped: uid ${RUN_AS.uid} cannot read the checkout at ${repoRoot} (${probe.stderr.split('\n').find((l) => l.includes('Error')) ?? 'no access'})`);
      this.skip();
    }
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'lookout-image-'));
    chmodSync(root, 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** deploy/lookout.yaml as shipped, with the paths under `root` and free loopback ports. */
  async function shippedConfig(storageDir: string): Promise<string> {
    const doc = parseDocument(readFileSync(path.join(repoRoot, 'deploy/lookout.yaml'), 'utf8'));
    adminPort = await freePort();
    doc.setIn(['receivers', 'otlp', 'http', 'endpoint'], `127.0.0.1:${await freePort()}`);
    doc.setIn(['receivers', 'otlp', 'grpc', 'endpoint'], `127.0.0.1:${await freePort()}`);
    doc.setIn(['admin', 'endpoint'], `127.0.0.1:${adminPort}`);
    doc.setIn(['exporters', 'otlp', 'endpoint'], `http://127.0.0.1:${await freePort()}`);
    doc.setIn(['storage', 'dir'], storageDir);
    const file = path.join(root, 'lookout.yaml');
    writeFileSync(file, doc.toString(), { mode: 0o644 });
    return file;
  }

  it('prepared as the Dockerfile does (created, chowned to its USER): the agent starts, becomes ready and writes its state', async () => {
    const storage = parseDocument(readFileSync(path.join(repoRoot, 'deploy/lookout.yaml'), 'utf8')).getIn(['storage', 'dir']) as string;
    assert.ok(dockerfile.runtime.created.includes(storage), `the Dockerfile creates ${storage}`);
    assert.equal(dockerfile.runtime.owned.get(storage), `${dockerfile.runtime.user}:${dockerfile.runtime.user}`);
    // What the image holds at `storage` (and so what a fresh named volume mounted there starts with).
    const dir = path.join(root, storage);
    mkdirSync(dir, { recursive: true });
    chownSync(dir, RUN_AS.uid, RUN_AS.gid);
    const run = runAs(root, await shippedConfig(dir));
    try {
      let code: number | null | undefined;
      void run.exit.then((c) => (code = c));
      await waitFor(async () => {
        if (code !== undefined) throw new Error(`exited with ${code}:\n${run.output()}`);
        return (await fetch(`http://127.0.0.1:${adminPort}/readyz`).catch(() => undefined))?.status === 200;
      }, { timeoutMs: 40_000, what: 'readiness as a non-root user' });
      assert.ok(existsSync(path.join(dir, 'alerting.db')));
      assert.equal(statSync(path.join(dir, 'alerting.db')).uid, RUN_AS.uid);
    } finally {
      run.kill();
      assert.equal(await run.exit, 0, run.output());
    }
  });

  it('a root-owned storage.dir (a volume on a directory the image never created) fails with one line naming the directory and the fix', async () => {
    const dir = path.join(root, 'var/lib/lookout');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const run = runAs(root, await shippedConfig(dir));
    assert.equal(await run.exit, 1);
    const lines = run.output().trim().split('\n');
    assert.equal(lines.length, 1, run.output());
    assert.match(lines[0], new RegExp(`^lookout: storage\\.dir: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not writable`));
    assert.match(lines[0], /uid 65534/);
    assert.match(lines[0], new RegExp(`chown -R 65534:65534 ${dir}`));
    assert.match(lines[0], /fsGroup/);
  });
});
