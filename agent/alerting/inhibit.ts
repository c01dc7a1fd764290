/**
 * Inhibition: a target alert is muted while a firing source alert exists
 * with equal values for every `equal` label (a missing label equals a missing
 * one). An alert matching both sides never inhibits itself, and when a target
 * also matches the source side only sources that do not match the target
 * side count (Alertmanager's rule against mutual inhibition).
 */
import type { InhibitRuleConfig } from './config';
import { isResolved, type Alert } from './alert';
import { matchesAll } from './matcher';
import type { Clock } from './timer';

export class Inhibitor {
  constructor(
    private readonly rules: readonly InhibitRuleConfig[],
    private readonly alerts: () => Iterable<Alert>,
    private readonly now: Clock,
  ) {}

  /** Fingerprints of the source alerts inhibiting these labels (empty = not inhibited). */
  inhibitedBy(labels: Record<string, string>, ownFingerprint: string): string[] {
    const now = this.now();
    for (const rule of this.rules) {
      if (!matchesAll(rule.target_matchers, labels)) continue;
      const targetIsSource = matchesAll(rule.source_matchers, labels);
      for (const src of this.alerts()) {
        if (src.fingerprint === ownFingerprint || isResolved(src, now)) continue;
        if (!matchesAll(rule.source_matchers, src.labels)) continue;
        if (targetIsSource && matchesAll(rule.target_matchers, src.labels)) continue;
        if (rule.equal.every((n) => (src.labels[n] ?? '') === (labels[n] ?? ''))) return [src.fingerprint];
      }
    }
    return [];
  }
}
