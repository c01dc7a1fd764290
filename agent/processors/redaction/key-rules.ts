/**
 * Per attribute key: leave it alone (ignored_keys), replace its whole value
 * (blocked_keys: the whole key, its last `.` segment, or that segment's
 * last `_`/`-` part; blocked_key_patterns), or scan its value for patterns.
 * Decisions are cached in a bounded map (keys come from senders).
 */
import { compileRegex, type GoRegexp } from '../../regex';

export type KeyRule = 'ignore' | 'block' | 'scan';

/** Distinct keys remembered; the cache is cleared when full (senders choose keys). */
export const KEY_RULE_CACHE_ENTRIES = 10_000;

export class KeyRules {
  private readonly blocked: Set<string>;
  private readonly ignored: Set<string>;
  private readonly patterns: GoRegexp[];
  private readonly cache = new Map<string, KeyRule>();

  constructor(blockedKeys: readonly string[], blockedKeyPatterns: readonly string[], ignoredKeys: readonly string[]) {
    this.blocked = new Set(blockedKeys.map((k) => k.toLowerCase()));
    this.ignored = new Set(ignoredKeys);
    this.patterns = blockedKeyPatterns.map((p) => compileRegex(p));
  }

  rule(key: string): KeyRule {
    let r = this.cache.get(key);
    if (r !== undefined) return r;
    r = this.decide(key);
    if (this.cache.size >= KEY_RULE_CACHE_ENTRIES) this.cache.clear();
    this.cache.set(key, r);
    return r;
  }

  private decide(key: string): KeyRule {
    if (this.ignored.has(key)) return 'ignore';
    const lower = key.toLowerCase();
    // `http.request.header.authorization` is blocked by `authorization`, `env.db_password` by `password`.
    const segment = lower.slice(lower.lastIndexOf('.') + 1);
    if (this.blocked.has(lower) || this.blocked.has(segment)) return 'block';
    for (const b of this.blocked) if (segment.endsWith(b) && /[_-]/.test(segment[segment.length - b.length - 1] ?? '')) return 'block';
    for (const p of this.patterns) if (p.test(key)) return 'block';
    return 'scan';
  }
}
