/**
 * OTLP metrics load for bench/promql/isolation.bench.ts: the agent's
 * capacity measured closed-loop (senders post as fast as it answers), then
 * open-loop senders that offer a multiple of it on a fixed schedule, as an
 * overloaded production app would: they do not slow down because the agent
 * answers late. Each sender keeps at most `maxInFlight` requests open (so
 * the bench cannot run away with sockets and memory); a tick that finds the
 * bound reached is counted as "not sent" instead of queued.
 */
import type { AgentProcess } from '../../test/helpers/agent-process';
import { gauge, metricsBody } from '../../test/helpers/pathological-load';
import { decodeJsonRequest, encodeProtoRequest } from '../../agent/otlp/codec';

export const POINTS_PER_REQUEST = 500;

/**
 * BENCH_ENCODING: protobuf (default: what every OTel SDK's OTLP/HTTP exporter sends unless
 * OTEL_EXPORTER_OTLP_PROTOCOL says otherwise) or json (OTLP/JSON, the costlier one to decode).
 */
export const ENCODING: 'protobuf' | 'json' = process.env.BENCH_ENCODING === 'json' ? 'json' : 'protobuf';
const CONTENT_TYPE = ENCODING === 'json' ? 'application/json' : 'application/x-protobuf';

/** Stands for the point time in a protobuf template: its 8 little-endian bytes are found once and overwritten per request. */
const SENTINEL_NS = 1_234_567_890_123_456_789n;

/** Where the sentinel time sits in each protobuf template (the bench sends bodies, it does not encode them per request). */
const sentinelOffsets = new WeakMap<Uint8Array, number[]>();

function protobufTemplate(json: string): Buffer {
  const bytes = Buffer.from(encodeProtoRequest('metrics', decodeJsonRequest('metrics', json.replaceAll('TIMESTAMP', SENTINEL_NS.toString()))));
  const needle = Buffer.alloc(8);
  needle.writeBigUInt64LE(SENTINEL_NS);
  const offsets: number[] = [];
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 8)) offsets.push(at);
  sentinelOffsets.set(bytes, offsets);
  return bytes;
}

/** A sender's body for the current time: the template with its timestamps filled in, in ENCODING. */
function bodyAt(template: string | Buffer, nowMs: number): string | Uint8Array {
  if (typeof template === 'string') return template.replaceAll('TIMESTAMP', `${nowMs}000000`);
  const body = Buffer.from(template);
  for (const at of sentinelOffsets.get(template)!) body.writeBigUInt64LE(BigInt(nowMs) * 1_000_000n, at);
  return body;
}

/** One sender's request body with TIMESTAMP in place of the point time (built once: the bench sends, not serialises). */
function template(id: number): string | Buffer {
  const points = Array.from({ length: POINTS_PER_REQUEST }, (_, i) => ({ attrs: { sender: String(id), k: String(i) }, value: 1 }));
  const json = metricsBody([gauge('bench_load', points, 'TIMESTAMP')], `sender-${id}`);
  return ENCODING === 'json' ? json : protobufTemplate(json);
}

async function post(agent: AgentProcess, body: string | Uint8Array): Promise<{ status: number; retryAfter: number | undefined }> {
  try {
    const res = await fetch(`${agent.otlpUrl}/v1/metrics`, { method: 'POST', body, headers: { 'content-type': CONTENT_TYPE } });
    await res.arrayBuffer();
    const ra = res.headers.get('retry-after');
    return { status: res.status, retryAfter: ra === null ? undefined : Number(ra) };
  } catch {
    return { status: 0, retryAfter: undefined };
  }
}

/** Accepted points per second with `senders` closed-loop senders, counted after a 1 s warm-up. */
export async function measureCapacity(agent: AgentProcess, seconds: number, senders = 4): Promise<number> {
  const start = Date.now();
  const countFrom = start + 1000;
  const until = countFrom + seconds * 1000;
  let accepted = 0;
  const sender = async (id: number) => {
    const body = template(id);
    while (Date.now() < until) {
      const { status } = await post(agent, bodyAt(body, Date.now()));
      if (status === 200 && Date.now() >= countFrom && Date.now() < until) accepted += POINTS_PER_REQUEST;
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, i) => sender(100 + i)));
  return accepted / seconds;
}

export interface OpenLoopOptions {
  senders: number;
  /** Points per second offered by all senders together. */
  pointsPerSecond: number;
  seconds: number;
  maxInFlight: number;
  /** Pause a sender for Retry-After seconds after a 429/503 that carries one (ticks in the pause: heldByRetryAfter). */
  honourRetryAfter: boolean;
}

export interface OpenLoopResult {
  /** Ticks of the schedule (requests offered). */
  offered: number;
  sent: number;
  /** Ticks skipped because the sender had maxInFlight requests open. */
  notSent: number;
  /** Ticks skipped while honouring a Retry-After. */
  heldByRetryAfter: number;
  byStatus: Record<number, number>;
  /** 429/503 answers that carried a Retry-After header. */
  refusedWithRetryAfter: number;
  /** Requests still open when the schedule ended (awaited before returning). */
  openAtEnd: number;
}

/** Runs the senders on a fixed schedule for `seconds`, then waits for their open requests. */
export async function openLoopSenders(agent: AgentProcess, opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const r: OpenLoopResult = { offered: 0, sent: 0, notSent: 0, heldByRetryAfter: 0, byStatus: {}, refusedWithRetryAfter: 0, openAtEnd: 0 };
  const intervalMs = (1000 * POINTS_PER_REQUEST * opts.senders) / opts.pointsPerSecond;
  const start = performance.now();
  const end = start + opts.seconds * 1000;
  const pending = new Set<Promise<void>>();
  const sender = async (id: number) => {
    const body = template(id);
    let inFlight = 0;
    let pausedUntil = 0;
    // Senders start staggered over one interval, as independent pods would.
    for (let k = 0; ; k++) {
      const due = start + (id / opts.senders + k) * intervalMs;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      r.offered++;
      if (performance.now() < pausedUntil) {
        r.heldByRetryAfter++;
        continue;
      }
      if (inFlight >= opts.maxInFlight) {
        r.notSent++;
        continue;
      }
      inFlight++;
      r.sent++;
      const p = post(agent, bodyAt(body, Date.now())).then(({ status, retryAfter }) => {
        inFlight--;
        r.byStatus[status] = (r.byStatus[status] ?? 0) + 1;
        if ((status === 429 || status === 503) && retryAfter !== undefined) {
          r.refusedWithRetryAfter++;
          if (opts.honourRetryAfter) pausedUntil = Math.max(pausedUntil, performance.now() + retryAfter * 1000);
        }
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  };
  await Promise.all(Array.from({ length: opts.senders }, (_, i) => sender(i + 1)));
  r.openAtEnd = pending.size;
  await Promise.all(pending);
  return r;
}
