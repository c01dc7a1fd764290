/** What one probe run yields: blackbox metric names and values, plus why it failed. */
export interface ProbeSample {
  name: string;
  /** Extra labels (e.g. phase) besides job, instance and the target's labels. */
  labels?: Record<string, string>;
  value: number;
}

export interface ProbeResult {
  success: boolean;
  /** Why it failed, for the log line (never a label: blackbox has none either). */
  reason?: string;
  samples: ProbeSample[];
}

/** Seconds between two performance.now() readings. */
export function seconds(from: number, to: number): number {
  return Math.max(0, (to - from) / 1000);
}
