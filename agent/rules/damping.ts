/**
 * Flap damping, Lookout's opt-in rule key (Prometheus has none):
 *
 *   - alert: HighLatency
 *     expr: histogram_quantile(0.99, ...) > 0.5
 *     damping: { fire: 3, of: 5 }
 *
 * A series counts as active at an evaluation only when the expression
 * returned it in at least `fire` of the rule's last `of` evaluations
 * (this one included). A value oscillating around the threshold then stays
 * active (one firing, one resolved notification) instead of firing and
 * resolving at every crossing, and a single spike below `fire` never goes
 * pending. Resolution comes after at most `of - fire + 1` evaluations
 * without the series. `for` and `keep_firing_for` apply on top, to the
 * damped activity. The history is in memory: after a restart it starts
 * empty (firing alerts are restored by the state store as before).
 *
 * promtool check rules (Prometheus 2.42) refuses the key (`field damping
 * not found in type rulefmt.RuleNode`); `lookout test-rules` and
 * check-config accept it.
 */
import type { Alert } from './alert';

export interface Damping { fire: number; of: number }

/** Longest window (evaluations): bounds the history kept per series. */
export const MAX_DAMPING_WINDOW = 100;

export function parseDamping(v: unknown, problem: (m: string) => void): Damping | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problem('must be a mapping {fire: <m>, of: <n>}');
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'fire' && k !== 'of');
  if (extra.length) problem(`unknown field ${JSON.stringify(extra[0])} (allowed: fire, of)`);
  const { fire, of } = o;
  if (typeof of !== 'number' || !Number.isInteger(of) || of < 1 || of > MAX_DAMPING_WINDOW) {
    problem(`of must be an integer from 1 to ${MAX_DAMPING_WINDOW} (evaluations in the window)`);
    return undefined;
  }
  if (typeof fire !== 'number' || !Number.isInteger(fire) || fire < 1 || fire > of) {
    problem(`fire must be an integer from 1 to of (${of})`);
    return undefined;
  }
  return extra.length ? undefined : { fire, of };
}

interface History {
  /** Bit i set: the expression returned the series i evaluations ago. */
  bits: bigint;
  /** The series' alert as last returned (labels, annotations, value). */
  last: Alert;
}

/** Per rule: which series returned at the last `of` evaluations, and the damped result. */
export class DampingWindow {
  private readonly history = new Map<string, History>();
  private readonly mask: bigint;

  constructor(readonly spec: Damping) {
    this.mask = (1n << BigInt(spec.of)) - 1n;
  }

  /** Records one evaluation's series (by key) and returns the series active under damping. */
  apply(fresh: Map<string, Alert>): Map<string, Alert> {
    for (const [key, h] of this.history) {
      h.bits = (h.bits << 1n) & this.mask;
      if (!fresh.has(key) && h.bits === 0n) this.history.delete(key);
    }
    for (const [key, a] of fresh) {
      const h = this.history.get(key);
      if (h) { h.bits |= 1n; h.last = a; } else this.history.set(key, { bits: 1n, last: a });
    }
    const out = new Map<string, Alert>();
    for (const [key, h] of this.history) {
      if (popcount(h.bits) >= this.spec.fire) out.set(key, fresh.get(key) ?? h.last);
    }
    return out;
  }

  /** Series tracked (tests: the history is bounded by the window). */
  get size(): number {
    return this.history.size;
  }
}

function popcount(x: bigint): number {
  let n = 0;
  for (; x > 0n; x &= x - 1n) n++;
  return n;
}
