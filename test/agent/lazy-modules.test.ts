/**
 * Packages only some configurations use are loaded on first use, not at
 * start (idle RSS, issue 13): nodemailer (email_configs) and bcrypt (admin
 * basic auth). The modules that use them load without them; the features
 * themselves are covered where they live (test/agent/notify/email.test.ts,
 * test/agent/admin/auth.test.ts), which now exercise the lazy load.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../helpers/repo';

describe('lazily loaded packages', function () {
  this.timeout(60_000);

  it('the notifier and the admin security modules load without nodemailer or bcrypt', () => {
    const script = `
      require('./agent/alerting/notifier');
      require('./agent/admin/security');
      const loaded = Object.keys(require.cache).filter((k) => /node_modules\\/(nodemailer|bcrypt)\\//.test(k));
      process.stdout.write(JSON.stringify(loaded));`;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), []);
  });
});
