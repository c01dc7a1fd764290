/** The TCP prober: success when a connection opens within the timeout (blackbox's tcp prober without query_response). */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeTarget } from './config';
import { seconds, type ProbeResult } from './result';

export function splitHostPort(target: string): { host: string; port: number } {
  const i = target.lastIndexOf(':');
  return { host: target.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(target.slice(i + 1)) };
}

export async function probeTcp(t: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const { host, port } = splitHostPort(t.target);
  const t0 = performance.now();
  let lookup: number | undefined;
  let family = 0;
  const reason = await new Promise<string | undefined>((resolve) => {
    const socket = net.connect({ host, port });
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`timeout after ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => done('aborted');
    signal.addEventListener('abort', onAbort);
    socket.once('lookup', () => { lookup = performance.now(); });
    socket.once('connect', () => {
      family = socket.remoteFamily === 'IPv6' ? 6 : 4;
      done(undefined);
    });
    socket.once('error', (err) => done(err.message));
  });
  const t1 = performance.now();
  const success = reason === undefined;
  return {
    success,
    reason,
    samples: [
      { name: 'probe_dns_lookup_time_seconds', value: lookup !== undefined ? seconds(t0, lookup) : 0 },
      ...(family ? [{ name: 'probe_ip_protocol', value: family }] : []),
      { name: 'probe_duration_seconds', value: seconds(t0, t1) },
      { name: 'probe_success', value: success ? 1 : 0 },
    ],
  };
}
