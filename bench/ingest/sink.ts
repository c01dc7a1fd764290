/**
 * The upstream of the testbed: an OTLP/HTTP endpoint that answers 200 with an
 * empty Export*ServiceResponse and counts requests and wire bytes. Run in its
 * own process (forked by the benchmark) so its CPU is not the agent's, and
 * not the load generator's either. Prints its port on stdout; answers
 * `stats` IPC messages with its counters.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkStats { requests: number; bytes: number }

const stats: SinkStats = { requests: 0, bytes: 0 };
const server = http.createServer((req, res) => {
  req.on('data', (c: Buffer) => { stats.bytes += c.length; });
  req.on('end', () => {
    stats.requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ stats });
  if (m === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
