/**
 * An open-loop OTLP/HTTP load generator: sends pre-encoded request bodies at
 * a fixed rate (requests are started on a 10 ms clock, whatever the answers
 * take) with at most `maxInFlight` outstanding; a request that cannot start
 * because of that cap is counted as not offered, so "offered" is what the
 * agent was really asked to take.
 */
import http from 'node:http';

export interface LoadResult {
  /** Spans sent (requests started x spans per request). */
  offered: number;
  /** Spans in requests answered 200. */
  accepted: number;
  /** Spans in requests answered 503 (back-pressure, memory limiter). */
  refused: number;
  /** Spans in requests answered anything else, or failed on the connection. */
  failed: number;
  /** Spans the in-flight cap kept from being sent. */
  notSent: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  bodies: Buffer[];
  spansPerBody: number;
  spansPerSecond: number;
  seconds: number;
  maxInFlight?: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxInFlight ?? 64 });
  const target = new URL(o.url);
  const r: LoadResult = { offered: 0, accepted: 0, refused: 0, failed: 0, notSent: 0, seconds: o.seconds };
  const maxInFlight = o.maxInFlight ?? 64;
  const perSecond = o.spansPerSecond / o.spansPerBody;
  let inFlight = 0;
  let started = 0;
  let next = 0;
  const settled: Promise<void>[] = [];
  const send = () => new Promise<void>((resolve) => {
    const body = o.bodies[next++ % o.bodies.length];
    inFlight++;
    r.offered += o.spansPerBody;
    attempt(body, resolve, true);
  });
  const attempt = (body: Buffer, resolve: () => void, mayRetry: boolean) => {
    const req = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) r.accepted += o.spansPerBody;
        else if (res.statusCode === 503) r.refused += o.spansPerBody;
        else r.failed += o.spansPerBody;
        inFlight--;
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as it was reused: what an SDK retries at once.
      if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET') {
        attempt(body, resolve, false);
        return;
      }
      r.failed += o.spansPerBody;
      inFlight--;
      resolve();
    });
    req.end(body);
  };
  const t0 = performance.now();
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= o.seconds) {
        clearInterval(timer);
        done();
        return;
      }
      const due = Math.floor(elapsed * perSecond);
      while (started < due) {
        started++;
        if (inFlight >= maxInFlight) r.notSent += o.spansPerBody;
        else settled.push(send());
      }
    };
    const timer = setInterval(tick, 10);
  });
  await Promise.all(settled);
  agent.destroy();
  return r;
}
