import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InjectError, injectCommand, injectPreload } from '../../../agent/inject/inject';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import {
  builtPreload, fastExportEnv, makeAppDir, removeTmpDirs, spans, startApp, stopAllApps, tmpDir,
} from '../../instrumentation/helpers/preload-harness';

function capture() {
  let text = '';
  return { write: (s: string) => (text += s), text: () => text };
}

describe('lookout inject', function () {
  this.timeout(60000);
  let from: string;
  before(async () => (from = await builtPreload()));
  after(async () => {
    await stopAllApps();
    removeTmpDirs();
  });

  it('writes the self-contained preload into a new directory and lists what it wrote', async () => {
    const dir = path.join(tmpDir('lookout-inject-'), 'shared', 'otel');
    const { files } = await injectPreload(dir, { from });
    const expected = ['hook.mjs', 'lib/register.js', 'lookout-preload.js', 'package.json', 'register.js', 'register.mjs'];
    for (const name of expected) assert.ok(files.includes(path.join(dir, name)), `${name} in ${files.join(', ')}`);
    for (const f of files) {
      assert.ok(path.isAbsolute(f));
      assert.deepEqual(readFileSync(f), readFileSync(path.join(from, path.relative(dir, f))), `${f} is a faithful copy`);
    }
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).type, 'commonjs');
    assert.ok(!readdirSync(dir).some((n) => n.includes('.tmp-')), 'no temporary files left behind');
  });

  it('the injected directory instruments an app that has no OpenTelemetry package', async () => {
    const dir = path.join(tmpDir('lookout-inject-'), 'otel');
    await injectPreload(dir, { from });
    const sink = await new OtlpSink().start();
    try {
      const app = await startApp(makeAppDir(['http-app.js'], []), 'http-app.js', {
        preload: 'require',
        preloadDir: dir,
        env: { ...fastExportEnv(sink.url), OTEL_SERVICE_NAME: 'injected' },
      });
      assert.equal((await app.get('/work')).status, 200);
      await waitFor(() => spans(sink).find((s) => s.resource['service.name'] === 'injected' && s.kind === 2), { what: 'server span' });
      await app.stop();
    } finally {
      await sink.stop();
    }
  });

  it('re-injecting into its own earlier output is fine (upgrades in place)', async () => {
    const dir = path.join(tmpDir('lookout-inject-'), 'otel');
    await injectPreload(dir, { from });
    writeFileSync(path.join(dir, 'register.js'), '// stale\n');
    await injectPreload(dir, { from });
    assert.deepEqual(readFileSync(path.join(dir, 'register.js')), readFileSync(path.join(from, 'register.js')));
  });

  it('refuses a directory it cannot write, with a clear message (even as root)', async () => {
    const file = path.join(tmpDir('lookout-inject-'), 'file.txt');
    writeFileSync(file, 'a regular file');
    const dir = path.join(file, 'sub');
    await assert.rejects(injectPreload(dir, { from }), (err: unknown) => {
      assert.ok(err instanceof InjectError);
      assert.match(err.message, new RegExp(`^cannot write the preload into ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ENOTDIR`));
      assert.match(err.message, /give a writable directory/);
      return true;
    });
    assert.equal(readFileSync(file, 'utf8'), 'a regular file');
  });

  it("refuses to scatter files over a directory holding something else (say, the app's root)", async () => {
    const appRoot = tmpDir('lookout-inject-app-');
    writeFileSync(path.join(appRoot, 'package.json'), '{"name":"my-app"}');
    writeFileSync(path.join(appRoot, 'register.js'), '// the app\'s own file\n');
    await assert.rejects(injectPreload(appRoot, { from }), /refusing to write the preload into .*: it is not empty and holds no earlier Lookout preload/);
    assert.equal(readFileSync(path.join(appRoot, 'register.js'), 'utf8'), "// the app's own file\n");
    assert.equal(readFileSync(path.join(appRoot, 'package.json'), 'utf8'), '{"name":"my-app"}');
  });

  it('says when the preload bundle has not been built', async () => {
    const empty = tmpDir('lookout-no-build-');
    await assert.rejects(injectPreload(path.join(empty, 'otel'), { from: empty }), /the preload bundle is not built .*run `npm run build`/);
  });

  it('the command prints the files and the NODE_OPTIONS to use; exit 1 with the reason on failure', async () => {
    const dir = path.join(tmpDir('lookout-inject-'), 'otel');
    const out = capture();
    const err = capture();
    assert.equal(await injectCommand(dir, { out, err }, { from }), 0);
    assert.equal(err.text(), '');
    assert.match(out.text(), new RegExp(`^lookout inject: wrote \\d+ files to ${dir}\n`));
    assert.ok(out.text().includes(`  ${path.join(dir, 'register.js')}\n`));
    assert.ok(out.text().includes(`NODE_OPTIONS="--require ${path.join(dir, 'register.js')}"`));
    assert.ok(out.text().includes(`NODE_OPTIONS="--import ${path.join(dir, 'register.mjs')}"`));

    const blocked = path.join(tmpDir('lookout-inject-'), 'f');
    writeFileSync(blocked, '');
    const out2 = capture();
    const err2 = capture();
    assert.equal(await injectCommand(path.join(blocked, 'x'), { out: out2, err: err2 }, { from }), 1);
    assert.equal(out2.text(), '');
    assert.match(err2.text(), /^lookout inject: cannot .*ENOTDIR/);
    assert.ok(!existsSync(path.join(blocked, 'x')));
  });
});
