/**
 * Test doubles for rule evaluation: a scripted QueryFunc (results per
 * expression as a function of time) and an Appender that records calls.
 */
import type { QueryFunc, VectorSample } from '../../../agent/promql/types';
import type { Appender, Labels, MetricMetadata } from '../../../agent/store/types';

export type Script = Record<string, (t: number) => VectorSample[] | Error>;

export function scriptedQuery(script: Script): QueryFunc & { calls: { expr: string; t: number }[] } {
  const calls: { expr: string; t: number }[] = [];
  const fn = (async (expr: string, t: number) => {
    calls.push({ expr, t });
    const s = script[expr];
    if (!s) throw new Error(`unexpected query ${expr}`);
    const r = s(t);
    if (r instanceof Error) throw r;
    return r.map((x) => ({ ...x, metric: { ...x.metric }, t }));
  }) as QueryFunc & { calls: { expr: string; t: number }[] };
  fn.calls = calls;
  return fn;
}

export function sample(metric: Labels, value: number): VectorSample {
  return { metric, t: 0, value };
}

export class RecordingAppender implements Appender {
  readonly appended: { labels: Labels; t: number; v: number }[] = [];
  readonly stale: { labels: Labels; t: number }[] = [];
  refuse = false;
  append(labels: Labels, t: number, v: number): boolean {
    if (this.refuse) return false;
    this.appended.push({ labels: { ...labels }, t, v });
    return true;
  }
  markStale(labels: Labels, t: number): void {
    this.stale.push({ labels: { ...labels }, t });
  }
  setMetadata(_name: string, _meta: MetricMetadata): void { /* not needed */ }
  at(t: number) {
    return this.appended.filter((a) => a.t === t);
  }
}

export const MIN = 60_000;
