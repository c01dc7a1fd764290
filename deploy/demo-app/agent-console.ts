/**
 * What `npm start` echoes from the agent's JSON log on the console (the full
 * log goes to data/logs/agent.log): every alert notification of the built-in
 * log receiver, and the agent's warnings and errors, as plain lines.
 */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export function consoleLineFor(jsonLine: string): string | undefined {
  if (!jsonLine.startsWith('{')) return undefined;
  let rec: { level?: string | number; msg?: unknown; component?: unknown };
  try {
    rec = JSON.parse(jsonLine) as typeof rec;
  } catch {
    return undefined;
  }
  const level = typeof rec.level === 'number' ? rec.level : LEVELS[String(rec.level)] ?? 0;
  if (rec.component === 'alerting/log') return `ALERT ${String(rec.msg)}`;
  if (level >= LEVELS.warn) return `agent ${typeof rec.level === 'string' ? rec.level : 'warn'}: ${String(rec.msg)}`;
  return undefined;
}

/** Splits a stream into lines and calls `onLine` with each echoed one. */
export function echoAgentLines(stream: NodeJS.ReadableStream, write: (line: string) => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      const line = consoleLineFor(p);
      if (line) write(`${line}\n`);
    }
  });
}
