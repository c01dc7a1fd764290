/**
 * Notifications, differentially: the same random alertmanager.yml (routing
 * tree, group_by, inhibit rules, mute/active time intervals, webhook
 * max_alerts / send_resolved) loaded by a real Alertmanager 0.25 and by
 * Lookout's notifier, the same random alert sequence (firing, re-firing,
 * annotation changes, resolving, firing again) posted to both at the same
 * instants, and what each delivers to a webhook compared per (receiver,
 * group key): the sequence of payloads, field for field (status, alerts with
 * their status/labels/annotations/times/fingerprint and order, groupLabels,
 * common labels and annotations, truncatedAlerts, externalURL).
 *
 * Timers are scaled down (group_wait 300ms, group_interval 700ms,
 * repeat_interval 1h) and steps are STEP_MS apart, longer than any flush
 * takes, so each step's notifications are settled before the next: waiting
 * here is the thing under test (timers), not a stand-in for a condition.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { Notifier } from '../../../agent/alerting/notifier';
import type { PostableAlert } from '../../../agent/alerting/types';
import { alertingConfig, FAST_DELIVERY } from '../../agent/alerting/harness';
import { testHost } from '../../helpers/test-host';
import { AlertmanagerServer, requireAlertmanager, type AlertmanagerBinaries } from './alertmanager';
import { configYaml, scenarioArb, type GenScenario } from './generate';
import { SCALE, SEED } from './runs';
import { WebhookSink, type WebhookPayload } from './sink';

const STEP_MS = Number(process.env.LOOKOUT_AM_DIFF_STEP_MS ?? 1500);
const TIMERS = { group_wait: '300ms', group_interval: '700ms', repeat_interval: '1h' };
const EXTERNAL_URL = 'http://alertmanager.example:9093';
const CONCURRENCY = 3;

interface Outcome { scenario: number; groups: number; agreeingGroups: number; knownGroups: number; diffs: string[] }

/**
 * Known difference, not in agent/alerting: Alertmanager's webhook computes
 * status, commonLabels and commonAnnotations from the alerts left after
 * max_alerts truncation; Lookout's agent/notify/webhook.ts from all of them.
 * Payloads that differ only there are counted apart (and reported) rather
 * than failing the suite.
 */
function withoutTruncationCommons(ps: WebhookPayload[]): unknown[] {
  return ps.map((p) => (p.truncatedAlerts > 0 ? { ...p, status: undefined, commonLabels: undefined, commonAnnotations: undefined } : p));
}

function byGroup(payloads: WebhookPayload[]): Map<string, WebhookPayload[]> {
  const out = new Map<string, WebhookPayload[]>();
  for (const p of payloads) {
    const k = `${p.receiver} ${p.groupKey}`;
    out.set(k, [...(out.get(k) ?? []), p]);
  }
  return out;
}

async function runScenario(bins: AlertmanagerBinaries, sink: WebhookSink, scen: GenScenario, n: number): Promise<Outcome> {
  const amYaml = configYaml(scen.config, { webhookUrl: (r) => `${sink.base}/am/${n}/${r}`, timers: TIMERS });
  const lkYaml = configYaml(scen.config, { webhookUrl: (r) => `${sink.base}/lk/${n}/${r}`, timers: TIMERS, extra: { external_url: EXTERNAL_URL } });
  const am = await AlertmanagerServer.start(bins.alertmanager, amYaml, EXTERNAL_URL);
  const host = testHost();
  const notifier = new Notifier(alertingConfig(lkYaml), { delivery: FAST_DELIVERY });
  await notifier.start(host);
  try {
    const startsAt = new Map<number, string>();
    const version = new Map<number, number>();
    for (const step of scen.steps) {
      const now = Date.now();
      const batch: PostableAlert[] = [];
      const make = (i: number, endsAt: number): PostableAlert => ({
        labels: scen.pool[i],
        annotations: { summary: `${scen.pool[i].alertname} v${version.get(i) ?? 0}` },
        startsAt: startsAt.get(i)!,
        endsAt: new Date(endsAt).toISOString(),
        generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up',
      });
      for (const i of step.fire) {
        if (step.annotate.includes(i)) version.set(i, (version.get(i) ?? 0) + 1);
        if (!startsAt.has(i)) startsAt.set(i, new Date(now).toISOString());
        batch.push(make(i, now + 3600_000));
      }
      for (const i of step.resolve) {
        if (!startsAt.has(i)) continue;
        batch.push(make(i, now));
        startsAt.delete(i);
      }
      notifier.send(batch);
      if (batch.length) await am.post(batch);
      await sleep(STEP_MS);
    }
    await sleep(STEP_MS);
  } finally {
    await notifier.shutdown();
    await host.cleanup();
    await am.stop();
  }
  const theirs = byGroup(sink.under(`/am/${n}/`));
  const ours = byGroup(sink.under(`/lk/${n}/`));
  const diffs: string[] = [];
  let agreeing = 0;
  let known = 0;
  const keys = new Set([...theirs.keys(), ...ours.keys()]);
  for (const k of keys) {
    try {
      assert.deepEqual(ours.get(k) ?? [], theirs.get(k) ?? []);
      agreeing++;
    } catch (err) {
      try {
        assert.deepEqual(withoutTruncationCommons(ours.get(k) ?? []), withoutTruncationCommons(theirs.get(k) ?? []));
        known++;
        continue;
      } catch { /* a real difference */ }
      diffs.push(`scenario #${n}, group ${k}:\n${(err as Error).message}\n--- alertmanager.yml\n${amYaml}\n--- pool ${JSON.stringify(scen.pool)}\n--- steps ${JSON.stringify(scen.steps)}`);
    }
  }
  return { scenario: n, groups: keys.size, agreeingGroups: agreeing, knownGroups: known, diffs };
}

describe('notifications agree with Alertmanager 0.25 (webhook, differential)', function () {
  this.timeout(300_000 * SCALE);
  let bins: AlertmanagerBinaries;
  let sink: WebhookSink;

  before(async function () {
    bins = requireAlertmanager(this);
    sink = await WebhookSink.start();
  });
  after(async () => { await sink?.close(); });

  it('delivers the same payloads per receiver and group for random configs and alert sequences', async () => {
    const scenarios = fc.sample(scenarioArb, { seed: SEED, numRuns: 6 * SCALE });
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < scenarios.length) {
        const n = next++;
        outcomes.push(await runScenario(bins, sink, scenarios[n], n));
      }
    }));
    const groups = outcomes.reduce((s, o) => s + o.groups, 0);
    const agreeing = outcomes.reduce((s, o) => s + o.agreeingGroups, 0);
    const known = outcomes.reduce((s, o) => s + o.knownGroups, 0);
    const scenariosAgreeing = outcomes.filter((o) => o.diffs.length === 0 && o.knownGroups === 0).length;
    // eslint-disable-next-line no-console
    console.log(`      notification agreement: ${scenariosAgreeing}/${outcomes.length} scenarios identical; ${agreeing}/${groups} (receiver, group) payload sequences identical, ` +
      `${known} more differ only in webhook commonLabels/commonAnnotations/status after max_alerts truncation (agent/notify/webhook.ts)`);
    assert.ok(groups > 0, 'the scenarios produced no notification at all');
    if (process.env.LOOKOUT_AM_DIFF_OUT) writeFileSync(process.env.LOOKOUT_AM_DIFF_OUT, outcomes.flatMap((o) => o.diffs).join("\n\n=====\n\n"));
    assert.deepEqual(outcomes.flatMap((o) => o.diffs).slice(0, 2), []);
  });
});
