/**
 * Flap damping (`damping: {fire: m, of: n}`): a value oscillating around the
 * threshold sends one firing and one resolved instead of one pair per
 * crossing; a lone spike never fires; the rule-file key is validated and
 * refused on recording rules; promtool refuses it (documented).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlertingRule } from '../../../agent/rules/alerting-rule';
import { DampingWindow } from '../../../agent/rules/damping';
import { rulesConfigSchema } from '../../../agent/rules/config';
import { validateRulesConfig } from '../../../agent/rules/load';
import { formatProblem, parseRuleFile, type RuleSpec } from '../../../agent/rules/rulefmt';
import { Recorder } from '../notify/recorder';
import { makeHost } from './host';
import { sample, scriptedQuery } from './fakes';
import { rulesAndNotifier } from './rules-and-notifier';

const EVAL = 15_000;

function rule(over: Partial<RuleSpec> = {}) {
  return new AlertingRule({
    kind: 'alert', name: 'HighLatency', expr: 'latency > 0.5', for: 0, keepFiringFor: 0, labels: {}, annotations: {}, ...over,
  }, { externalLabels: {}, externalURL: '', queryOffset: 0 });
}

/** latency oscillates around 0.5 (above on every other evaluation) for 10 minutes, then stays low. */
const oscillating = scriptedQuery({
  'latency > 0.5': (t) => (t < 10 * 60_000 && Math.floor(t / EVAL) % 2 === 0 ? [sample({ __name__: 'latency', job: 'api' }, 0.55)] : []),
});

async function transitions(r: AlertingRule, until: number): Promise<string[]> {
  const out: string[] = [];
  for (let t = 0; t <= until; t += EVAL) for (const x of (await r.eval(t, oscillating, 0)).transitions) out.push(x.to);
  return out;
}

describe('flap damping (rule key damping)', () => {
  it('without damping, an oscillating value fires and resolves at every crossing', async () => {
    const seen = await transitions(rule(), 15 * 60_000);
    assert.ok(seen.filter((x) => x === 'firing').length >= 20, `${seen.length} transitions`);
  });

  it('with damping {fire: 2, of: 4}, it sends one firing and one resolved', async () => {
    const r = rule({ damping: { fire: 2, of: 4 } });
    const seen = await transitions(r, 15 * 60_000);
    assert.deepEqual(seen, ['firing', 'resolved']);
    assert.equal(r.activeAlerts().length, 0);
  });

  it('resolves within of - fire + 1 evaluations after the value stays low', async () => {
    const r = rule({ damping: { fire: 2, of: 4 } });
    const at: Record<string, number> = {};
    for (let t = 0; t <= 15 * 60_000; t += EVAL) for (const x of (await r.eval(t, oscillating, 0)).transitions) at[x.to] = t;
    // Last high sample at 9m30s; at 10m the last 4 evaluations returned it once (9m30s): fewer than 2, resolved.
    assert.equal(at.resolved, 10 * 60_000);
    assert.ok(at.resolved <= 9.5 * 60_000 + (4 - 2 + 1) * EVAL);
  });

  it('a single spike below `fire` never goes pending', async () => {
    const r = rule({ damping: { fire: 2, of: 4 } });
    const spike = scriptedQuery({ 'latency > 0.5': (t) => (t === 2 * EVAL ? [sample({ __name__: 'latency' }, 0.9)] : []) });
    for (let t = 0; t <= 10 * EVAL; t += EVAL) assert.deepEqual((await r.eval(t, spike, 0)).transitions, []);
    assert.equal(r.allAlerts().length, 0);
  });

  it('forgets series absent for a whole window (bounded history)', () => {
    const w = new DampingWindow({ fire: 1, of: 3 });
    const a = { labels: { a: '1' }, annotations: {}, activeAt: 0, state: 'pending' as const, value: 1 };
    w.apply(new Map([['x', a]]));
    for (let i = 0; i < 3; i++) w.apply(new Map());
    assert.equal(w.size, 0);
  });

  describe('what reaches the receiver (RuleManager -> Notifier -> webhook)', () => {
    async function notifications(extra: string): Promise<string[]> {
      const host = makeHost();
      const rec = await new Recorder().start();
      writeFileSync(path.join(host.storageDir, 'node.rules.yaml'),
        `groups:\n  - name: api\n    interval: 15s\n    rules:\n      - alert: HighLatency\n        expr: latency > 0.5\n${extra}`);
      const t0 = 1_800_000_000_000;
      const query = scriptedQuery({
        'latency > 0.5': (t) => (t - t0 < 10 * 60_000 && Math.floor((t - t0) / EVAL) % 2 === 0 ? [sample({ __name__: 'latency', job: 'api' }, 0.55)] : []),
      });
      // Flushes every 10 s against evaluations every 15 s: whatever the group's slot, flushes see both states.
      const a = rulesAndNotifier(host, rec.url, query, t0, 'group_wait: 0s\n  group_interval: 10s');
      await a.start();
      try {
        await a.advanceTo(t0 + 20 * 60_000);
        return rec.requests.map((r) => (r.body as { status: string }).status);
      } finally {
        await a.stop();
        await rec.stop();
        await host.cleanup();
      }
    }

    it('an oscillating value sends dozens of notifications without damping, one firing and one resolved with it', async () => {
      const plain = await notifications('');
      assert.ok(plain.length >= 10, `${plain.length} notifications without damping`);
      assert.deepEqual(await notifications('        damping: { fire: 2, of: 4 }\n'), ['firing', 'resolved']);
    });
  });

  describe('rule files', () => {
    const file = (extra: string, kind = 'alert: A') => `groups:\n  - name: g\n    rules:\n      - ${kind}\n        expr: up == 0\n${extra}`;

    it('accepts damping on alerting rules', () => {
      const { groups, problems } = parseRuleFile('r.yaml', file('        damping: {fire: 3, of: 5}\n'));
      assert.deepEqual(problems, []);
      assert.deepEqual(groups[0].rules[0].damping, { fire: 3, of: 5 });
    });

    it('refuses bad values and recording rules with the key named', () => {
      const msg = (extra: string, kind?: string) => parseRuleFile('r.yaml', file(extra, kind)).problems.map(formatProblem);
      assert.match(msg('        damping: {fire: 6, of: 5}\n')[0], /damping: fire must be an integer from 1 to of \(5\)/);
      assert.match(msg('        damping: {fire: 1, of: 1000}\n')[0], /damping: of must be an integer from 1 to 100/);
      assert.match(msg('        damping: {fire: 1, of: 2, m: 3}\n')[0], /damping: unknown field "m"/);
      assert.match(msg('        damping: 3\n')[0], /damping: must be a mapping/);
      assert.ok(msg('        damping: {fire: 1, of: 2}\n', 'record: a:b').some((m) => m.includes("invalid field 'damping' in recording rule")));
    });

    it('check-config (validateRulesConfig) accepts it and names a bad value', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-damping-cfg-'));
      try {
        const config = rulesConfigSchema.parse({ files: ['r.yaml'], default_pack: { enabled: false } });
        writeFileSync(path.join(dir, 'r.yaml'), file('        damping: {fire: 3, of: 5}\n'));
        assert.deepEqual(validateRulesConfig(config, dir), []);
        writeFileSync(path.join(dir, 'r.yaml'), file('        damping: {fire: 9, of: 5}\n'));
        assert.match(validateRulesConfig(config, dir).join('\n'), /rule 1, "A": damping: fire must be an integer from 1 to of \(5\)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('promtool check rules refuses the key (documented: Lookout-only)', function () {
      if (spawnSync('promtool', ['--version']).status !== 0) this.skip();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-damping-'));
      try {
        writeFileSync(path.join(dir, 'r.yaml'), file('        damping: {fire: 3, of: 5}\n'));
        const r = spawnSync('promtool', ['check', 'rules', path.join(dir, 'r.yaml')], { encoding: 'utf8' });
        assert.notEqual(r.status, 0);
        assert.match(r.stdout + r.stderr, /field damping not found/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
