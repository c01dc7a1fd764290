/**
 * Runs one test group of a promtool unit-test file with promtool's
 * semantics: input series loaded into a fresh store as evaluation time
 * advances, every group evaluated at 0, evaluation_interval, 2 x ... up to
 * the largest eval_time, alert expectations compared after the evaluation
 * at or just before their eval_time (firing alerts only), then PromQL
 * expectations queried against the resulting store.
 */
import type { QueryFunc, SyncQueryFunc } from '../../promql/types';
import type { Appender, Labels } from '../../store/types';
import { ALERT_NAME } from '../labels';
import { Group } from '../group';
import type { RuleGroupSpec } from '../rulefmt';
import { formatDuration } from '../../config/duration';
import { alertsString, compareLabels, goDuration, indent, samplesString, sortAlerts, type LabelsAndAnnotations } from './format';
import { LogInput } from './logs';
import { expandSeriesValues, parseSeriesSelector } from './series';
import type { TestGroup } from './test-file';

/** A fresh store and a PromQL QueryFunc over it, per test group. */
export interface TestStorage {
  appender: Appender;
  query: QueryFunc;
  /** The `query` template function; absent: templates cannot query. */
  templateQuery?: SyncQueryFunc;
}
export type StorageFactory = () => TestStorage;

interface InputSample { labels: Labels; t: number; value?: number; stale?: boolean }

function loadInputSeries(tg: TestGroup, interval: number): { samples: InputSample[]; errors: string[] } {
  const samples: InputSample[] = [];
  const errors: string[] = [];
  tg.input_series.forEach((s, i) => {
    try {
      const labels = parseSeriesSelector(s.series);
      expandSeriesValues(s.values).forEach((v, k) => {
        const t = k * interval;
        if (v.kind === 'value') samples.push({ labels, t, value: v.value });
        else if (v.kind === 'stale') samples.push({ labels, t, stale: true });
      });
    } catch (err) {
      errors.push(`input_series[${i}] ${JSON.stringify(s.series)} ${JSON.stringify(s.values)}: ${(err as Error).message}`);
    }
  });
  // Stable by time, so each series' samples stay in order.
  samples.sort((a, b) => a.t - b.t);
  return { samples, errors };
}

/** Groups in group_eval_order; unlisted groups count as position 0 (as promtool), ties keep file order. */
function orderGroups(groups: Group[], order: string[]): Group[] {
  const pos = new Map(order.map((n, i) => [n, i]));
  return groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => ((pos.get(a.g.name) ?? 0) - (pos.get(b.g.name) ?? 0)) || a.i - b.i)
    .map((x) => x.g);
}

export interface RunGroupOptions {
  evalInterval: number;
  groupEvalOrder: string[];
  ruleGroups: RuleGroupSpec[];
  storage: StorageFactory;
}

/** Returns promtool-style error texts; empty means the test group passed. */
export async function runTestGroup(tg: TestGroup, opts: RunGroupOptions): Promise<string[]> {
  const interval = tg.interval ?? 60_000;
  const { samples, errors: seriesErrors } = loadInputSeries(tg, interval);
  if (seriesErrors.length > 0) return seriesErrors;
  const storage = opts.storage();
  let logInput: LogInput | undefined;
  if (tg.input_logs.length > 0 || tg.logmetrics !== undefined) {
    try {
      logInput = new LogInput(tg.input_logs, tg.logmetrics, storage.appender);
    } catch (err) {
      return [(err as Error).message];
    }
  }

  const groups = orderGroups(opts.ruleGroups.map((spec) => new Group(spec, {
    interval, externalLabels: tg.external_labels, externalURL: tg.external_url, resendDelay: 60_000,
  })), opts.groupEvalOrder);

  const maxEval = Math.max(0, ...tg.alert_rule_test.map((a) => a.eval_time), ...tg.promql_expr_test.map((p) => p.eval_time));
  const testName = tg.name ? `    name: ${tg.name},\n` : '';

  for (const a of tg.alert_rule_test) {
    if (a.alertname === '') {
      return [`an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(a.eval_time)}${tg.name ? ` (in TestGroup ${tg.name})` : ''}`];
    }
  }
  const alertTimes = [...new Set(tg.alert_rule_test.map((a) => a.eval_time))].sort((x, y) => x - y);

  const errs: string[] = [];
  let loaded = 0;
  let curr = 0;
  // promtool has no evaluation deadline: neither has a unit test (the engine's timeout still applies).
  const deps = { query: storage.query, templateQuery: storage.templateQuery, appender: storage.appender, notify: () => {}, deadlineMs: Infinity };
  for (let ts = 0; ts <= maxEval; ts += opts.evalInterval) {
    for (; loaded < samples.length && samples[loaded].t <= ts; loaded++) {
      const s = samples[loaded];
      if (s.stale) storage.appender.markStale(s.labels, s.t);
      else storage.appender.append(s.labels, s.t, s.value!);
    }
    logInput?.advance(ts);
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.eval(ts, deps);
      for (const r of g.rules) {
        if (r.health === 'err') evalErrs.push(`    rule: ${r.name}, time: ${goDuration(ts)}, err: ${r.lastError}`);
      }
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;

    while (curr < alertTimes.length && ts <= alertTimes[curr] && alertTimes[curr] < ts + opts.evalInterval) {
      const t = alertTimes[curr];
      for (const tc of tg.alert_rule_test.filter((a) => a.eval_time === t)) {
        const got: LabelsAndAnnotations[] = [];
        for (const g of groups) {
          for (const r of g.alertingRules()) {
            if (r.name !== tc.alertname) continue;
            for (const a of r.activeAlerts()) {
              if (a.state === 'firing') got.push({ labels: { ...a.labels }, annotations: { ...a.annotations } });
            }
          }
        }
        const exp = tc.exp_alerts.map((e) => ({
          labels: { ...e.exp_labels, [ALERT_NAME]: tc.alertname } as Labels,
          annotations: { ...e.exp_annotations } as Labels,
        }));
        const gotSorted = sortAlerts(got);
        const expSorted = sortAlerts(exp);
        const same = gotSorted.length === expSorted.length && gotSorted.every((g, i) =>
          compareLabels(g.labels, expSorted[i].labels) === 0 && compareLabels(g.annotations, expSorted[i].annotations) === 0);
        if (!same) {
          errs.push(`${testName}    alertname: ${tc.alertname}, time: ${formatDuration(tc.eval_time)}, \n`
            + `        exp:${indent(alertsString(expSorted), '            ')}, \n`
            + `        got:${indent(alertsString(gotSorted), '            ')}`);
        }
      }
      curr++;
    }
  }

  outer: for (const tc of tg.promql_expr_test) {
    let got: { labels: Labels; value: number }[];
    try {
      got = (await storage.query(tc.expr, tc.eval_time)).map((s) => ({ labels: s.metric, value: s.value }));
    } catch (err) {
      errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(tc.eval_time)}, err: ${(err as Error).message}`);
      continue;
    }
    const exp: { labels: Labels; value: number }[] = [];
    for (const s of tc.exp_samples) {
      try {
        exp.push({ labels: s.labels.trim() === '' ? {} : parseSeriesSelector(s.labels), value: s.value });
      } catch (err) {
        errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(tc.eval_time)}, err: labels ${JSON.stringify(s.labels)}: ${(err as Error).message}`);
        continue outer;
      }
    }
    const byLabels = (a: { labels: Labels }, b: { labels: Labels }) => compareLabels(a.labels, b.labels);
    exp.sort(byLabels);
    got.sort(byLabels);
    // Exact comparison, as promtool's reflect.DeepEqual (NaN never equals NaN).
    const same = exp.length === got.length
      && exp.every((e, i) => compareLabels(e.labels, got[i].labels) === 0 && e.value === got[i].value);
    if (!same) {
      errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(tc.eval_time)},\n`
        + `        exp: ${samplesString(exp)}\n`
        + `        got: ${samplesString(got)}`);
    }
  }
  return errs;
}
