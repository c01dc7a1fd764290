/**
 * CPU and memory of another process, read from /proc (Linux): what the
 * Collector's testbed reports for the collector under test.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) the process used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** VmRSS in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples RSS every intervalMs until stopped; CPU is taken as one difference over the window. */
export class ProcessSampler {
  private readonly rss: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly cpu0: number;
  private readonly t0 = performance.now();

  constructor(private readonly pid: number, intervalMs = 250) {
    this.cpu0 = cpuSeconds(pid);
    this.timer = setInterval(() => this.rss.push(rssBytes(pid)), intervalMs);
  }

  stop(): { cpuCores: number; cpuSeconds: number; wallSeconds: number; rssMax: number; rssMedian: number } {
    clearInterval(this.timer);
    this.rss.push(rssBytes(this.pid));
    const wallSeconds = (performance.now() - this.t0) / 1000;
    const used = cpuSeconds(this.pid) - this.cpu0;
    const sorted = [...this.rss].sort((a, b) => a - b);
    return { cpuCores: used / wallSeconds, cpuSeconds: used, wallSeconds, rssMax: sorted[sorted.length - 1], rssMedian: sorted[Math.floor(sorted.length / 2)] };
  }
}
