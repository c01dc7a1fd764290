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

interface Outcome { scenario: number; groups: number; agreeingGroups: number; knownGroups: number; deliberateGroups: number; diffs: string[] }

/**
 * Deliberate difference (README "Resolved notifications"): Lookout sends the
 * resolution of a notified alert even when an inhibition (or silence) now
 * mutes it; Alertmanager drops it. Groups whose sequences agree once
 * all-resolved payloads are set aside are counted apart.
 */
function withoutResolvedOnly(ps: WebhookPayload[]): unknown[] {
  return ps.filter((p) => p.alerts.some((a) => a.status === 'firing')).map((p) => (p.truncatedAlerts > 0 ? withoutTruncationCommons([p])[0] : p));
}

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
    // LOOKOUT_AM_DIFF_AMLOG=file: Alertmanager's debug log of the scenarios (with LOOKOUT_AM_DIFF_ONLY).
    if (process.env.LOOKOUT_AM_DIFF_AMLOG) {
      writeFileSync(process.env.LOOKOUT_AM_DIFF_AMLOG, am.log);
      writeFileSync(`${process.env.LOOKOUT_AM_DIFF_AMLOG}.payloads.json`, JSON.stringify({ am: sink.under(`/am/${n}/`), lookout: sink.under(`/lk/${n}/`) }, null, 1));
    }
  }
  const theirs = byGroup(sink.under(`/am/${n}/`));
  const ours = byGroup(sink.under(`/lk/${n}/`));
  const diffs: string[] = [];
  let agreeing = 0;
  let known = 0;
  let deliberate = 0;
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
      } catch { /* not only truncation */ }
      try {
        assert.deepEqual(withoutResolvedOnly(ours.get(k) ?? []), withoutResolvedOnly(theirs.get(k) ?? []));
        assert.ok((ours.get(k) ?? []).length > (theirs.get(k) ?? []).length, 'Lookout sends more resolutions, never fewer');
        deliberate++;
        continue;
      } catch { /* a real difference */ }
      diffs.push(`scenario #${n}, group ${k}:\n${(err as Error).message}\n--- alertmanager.yml\n${amYaml}\n--- pool ${JSON.stringify(scen.pool)}\n--- steps ${JSON.stringify(scen.steps)}`);
    }
  }
  return { scenario: n, groups: keys.size, agreeingGroups: agreeing, knownGroups: known, deliberateGroups: deliberate, diffs };
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
    const all = fc.sample(scenarioArb, { seed: SEED, numRuns: 6 * SCALE });
    // LOOKOUT_AM_DIFF_ONLY=<n>: re-run one scenario of the sample (debugging a reported difference).
    const only = process.env.LOOKOUT_AM_DIFF_ONLY;
    const scenarios = only === undefined ? all : [all[Number(only)]];
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
    const deliberate = outcomes.reduce((s, o) => s + o.deliberateGroups, 0);
    const scenariosAgreeing = outcomes.filter((o) => o.diffs.length === 0 && o.knownGroups === 0 && o.deliberateGroups === 0).length;
    // eslint-disable-next-line no-console
    console.log(`      notification agreement: ${scenariosAgreeing}/${outcomes.length} scenarios identical; ${agreeing}/${groups} (receiver, group) payload sequences identical, ` +
      `${known} more differ only in webhook commonLabels/commonAnnotations/status after max_alerts truncation (agent/notify/webhook.ts), ` +
      `${deliberate} only by Lookout's extra resolution of an inhibited alert (deliberate)`);
    assert.ok(groups > 0, 'the scenarios produced no notification at all');
    if (process.env.LOOKOUT_AM_DIFF_OUT) writeFileSync(process.env.LOOKOUT_AM_DIFF_OUT, outcomes.flatMap((o) => o.diffs).join("\n\n=====\n\n"));
    assert.deepEqual(outcomes.flatMap((o) => o.diffs).slice(0, 2), []);
  });
});
