/**
 * The agent's resident memory as a self-metric, so the agent-health
 * dashboard (and a Kubernetes memory limit review) can see it next to the
 * pipeline metrics: lookout_process_resident_memory_bytes, read at scrape
 * time (process.memoryUsage.rss() is a cheap syscall).
 */
import type { Meter } from '@opentelemetry/api';

export function registerProcessMemory(meter: Meter): void {
  meter.createObservableGauge('lookout_process_resident_memory_bytes', {
    description: 'Resident set size of the agent process.',
  }).addCallback((obs) => obs.observe(process.memoryUsage.rss()));
}
