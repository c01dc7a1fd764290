/**
 * A tiny webhook catcher for the compose stack: Lookout's webhook receiver
 * posts Alertmanager's webhook payload here, and each notification is
 * printed as one line (`docker compose logs -f webhook-echo`) and kept in
 * memory for GET /notifications (the last 100). GET /health answers 200.
 */
import http from 'node:http';

const MAX_BODY = 1024 * 1024;
const KEEP = 100;

interface Payload { status?: string; receiver?: string; alerts?: { labels?: Record<string, string>; annotations?: Record<string, string> }[] }

export function describePayload(p: Payload): string {
  const alerts = p.alerts ?? [];
  const names = [...new Set(alerts.map((a) => a.labels?.alertname ?? '?'))].join(',');
  const summaries = alerts.map((a) => a.annotations?.summary).filter(Boolean).join('; ');
  return `[${String(p.status ?? '?').toUpperCase()}:${alerts.length}]${names ? ` ${names}` : ''} -> ${p.receiver ?? '?'}${summaries ? `: ${summaries}` : ''}`;
}

export function createServer(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): http.Server {
  const received: unknown[] = [];
  return http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') { res.writeHead(200).end('ok'); return; }
    if (req.method === 'GET' && req.url === '/notifications') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
      return;
    }
    if (req.method !== 'POST') { res.writeHead(405).end(); return; }
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { res.writeHead(413).end('too large'); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Payload;
        received.push(body);
        if (received.length > KEEP) received.shift();
        log(describePayload(body));
        res.writeHead(200).end('ok');
      } catch (err) {
        res.writeHead(400).end(`not JSON: ${(err as Error).message}`);
      }
    });
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8080);
  createServer().listen(port, process.env.HOST ?? '0.0.0.0', () => process.stdout.write(`webhook-echo listening on ${port}\n`));
}
