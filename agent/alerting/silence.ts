/**
 * Silences in Alertmanager API v2's shape: matchers {name, value, isRegex,
 * isEqual}, startsAt/endsAt, createdBy, comment; state pending / active /
 * expired from the clock. Kept in memory for matching, written through to
 * alerting.db so they survive restarts. Expired silences are kept for the
 * retention (as Alertmanager) and then dropped.
 */
import { randomUUID } from 'node:crypto';
import type { AlertingDb } from './db';
import { newMatcher, matchesAll, type Matcher } from './matcher';
import type { Clock } from './timer';

export interface SilenceMatcher { name: string; value: string; isRegex: boolean; isEqual: boolean }

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  updatedAt: number;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export interface PostableSilence {
  id?: string;
  matchers: { name: string; value: string; isRegex?: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** A silence request the API must refuse; status is the HTTP code. */
export class SilenceError extends Error {
  constructor(message: string, readonly status: 400 | 404) {
    super(message);
    this.name = 'SilenceError';
  }
}

export const SILENCE_RETENTION_MS = 120 * 3600_000;

export function silenceState(s: Silence, now: number): SilenceState {
  if (s.endsAt <= now) return 'expired';
  if (s.startsAt > now) return 'pending';
  return 'active';
}

function toMatchers(ms: SilenceMatcher[]): Matcher[] {
  return ms.map((m) => newMatcher(m.name, m.isRegex ? (m.isEqual ? '=~' : '!~') : (m.isEqual ? '=' : '!='), m.value));
}

function validate(p: PostableSilence): SilenceMatcher[] {
  if (!p || typeof p !== 'object') throw new SilenceError('silence must be a JSON object', 400);
  if (!Array.isArray(p.matchers) || p.matchers.length === 0) throw new SilenceError('silence has no matchers: at least one is required', 400);
  const ms: SilenceMatcher[] = p.matchers.map((m, i) => {
    if (typeof m?.name !== 'string' || typeof m.value !== 'string') throw new SilenceError(`matchers[${i}]: name and value must be strings`, 400);
    return { name: m.name, value: m.value, isRegex: Boolean(m.isRegex), isEqual: m.isEqual ?? true };
  });
  let compiled: Matcher[];
  try {
    compiled = toMatchers(ms);
  } catch (err) {
    throw new SilenceError(`invalid matcher: ${(err as Error).message}`, 400);
  }
  // A silence that matches every alert is almost certainly a mistake; Alertmanager refuses it too.
  if (compiled.every((m) => matchesAll([m], {}))) throw new SilenceError('at least one matcher must not match the empty string', 400);
  if (typeof p.createdBy !== 'string' || p.createdBy === '') throw new SilenceError('createdBy is required', 400);
  if (typeof p.comment !== 'string' || p.comment === '') throw new SilenceError('comment is required', 400);
  return ms;
}

function sameMatchers(a: SilenceMatcher[], b: SilenceMatcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.name === b[i].name && m.value === b[i].value && m.isRegex === b[i].isRegex && m.isEqual === b[i].isEqual);
}

/** Alertmanager's rule for updating a silence in place rather than replacing it. */
function canUpdate(old: Silence, matchers: SilenceMatcher[], startsAt: number, endsAt: number, now: number): boolean {
  if (!sameMatchers(old.matchers, matchers)) return false;
  switch (silenceState(old, now)) {
    case 'active': return startsAt === old.startsAt && endsAt >= now;
    case 'pending': return startsAt >= now;
    case 'expired': return false;
  }
}

/**
 * GET /api/v2/silences?filter=...: a silence passes when its matchers, read
 * as a label set, satisfy every filter matcher (Alertmanager's rule; a
 * filter for an empty value also passes silences without that name).
 */
export function silenceMatchesFilter(s: Silence, filter: readonly Matcher[]): boolean {
  const labels = new Map(s.matchers.map((m) => [m.name, m.value]));
  return filter.every((f) => {
    const v = labels.get(f.name);
    if (v === undefined) return f.value === '';
    return matchesAll([f], { [f.name]: v });
  });
}

const STATE_ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/** Alertmanager's listing order: active by soonest end, pending by soonest start, expired by most recent end. */
export function compareSilences(a: Silence, b: Silence, now: number): number {
  const sa = silenceState(a, now);
  const sb = silenceState(b, now);
  if (sa !== sb) return STATE_ORDER[sa] - STATE_ORDER[sb];
  if (sa === 'active') return a.endsAt - b.endsAt;
  if (sa === 'pending') return a.startsAt - b.startsAt;
  return b.endsAt - a.endsAt;
}

function time(text: string, what: string): number {
  const t = typeof text === 'string' ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new SilenceError(`${what} ${JSON.stringify(text)} is not an RFC 3339 time`, 400);
  return t;
}

/** Alertmanager's --silences.max-silences and --silences.max-silence-size-bytes; 0 = no limit. */
export interface SilenceLimits {
  maxSilences: number;
  maxSilenceSizeBytes: number;
}

export type SilenceLimitReason = 'max_silences' | 'max_silence_size_bytes';

export interface SilencesOptions {
  retentionMs?: number;
  /** Read at every create/update, so a config reload applies at once. */
  limits?: () => SilenceLimits;
  /** A create or update refused by a limit (the caller counts and logs it). */
  onRefused?: (reason: SilenceLimitReason, message: string) => void;
  /** A row of alerting.db that could not be read back (skipped). */
  onUnreadable?: (id: string, reason: string) => void;
}

export class Silences {
  private readonly byId = new Map<string, Silence>();
  private readonly compiled = new Map<string, Matcher[]>();
  private readonly putStmt;
  private readonly delStmt;
  private readonly retentionMs: number;
  private readonly limits: () => SilenceLimits;

  constructor(private readonly db: AlertingDb, private readonly now: Clock, private readonly opts: SilencesOptions = {}) {
    this.retentionMs = opts.retentionMs ?? SILENCE_RETENTION_MS;
    this.limits = opts.limits ?? (() => ({ maxSilences: 0, maxSilenceSizeBytes: 0 }));
    this.putStmt = db.prepare('INSERT OR REPLACE INTO silences (id, body, ends_at) VALUES (?, ?, ?)');
    this.delStmt = db.prepare('DELETE FROM silences WHERE id = ?');
    for (const row of db.prepare<[], { id: string; body: string }>('SELECT id, body FROM silences').all()) {
      try {
        this.remember(JSON.parse(row.body) as Silence);
      } catch (err) {
        // An unreadable row (hand-edited, or a matcher an older version accepted) loses that silence, not the agent.
        this.byId.delete(row.id);
        this.compiled.delete(row.id);
        opts.onUnreadable?.(row.id, (err as Error).message);
      }
    }
  }

  private refuse(reason: SilenceLimitReason, message: string): never {
    this.opts.onRefused?.(reason, message);
    throw new SilenceError(message, 400);
  }

  /** Alertmanager's size check (its message), on the silence as it would be stored. */
  private checkSize(s: Silence): void {
    const max = this.limits().maxSilenceSizeBytes;
    if (max <= 0) return;
    const n = Buffer.byteLength(JSON.stringify(s));
    if (n > max) this.refuse('max_silence_size_bytes', `silence exceeded maximum size: ${n} bytes (limit: ${max} bytes)`);
  }

  /** Room for one more silence that is not expired; `replacing` is expired by the same request. */
  private checkCount(now: number, replacing?: Silence): void {
    const max = this.limits().maxSilences;
    if (max <= 0) return;
    let live = 0;
    for (const s of this.byId.values()) if (silenceState(s, now) !== 'expired' && s !== replacing) live++;
    if (live >= max) this.refuse('max_silences', `exceeded maximum number of silences: ${live} (limit: ${max})`);
  }

  /** Keeps the total (expired included) within max_silences by dropping the longest-expired first. */
  private evictExpired(now: number): void {
    const max = this.limits().maxSilences;
    if (max <= 0 || this.byId.size <= max) return;
    const expired = [...this.byId.values()].filter((s) => silenceState(s, now) === 'expired').sort((a, b) => a.endsAt - b.endsAt);
    for (const s of expired) {
      if (this.byId.size <= max) break;
      this.drop(s.id);
    }
  }

  private drop(id: string): void {
    this.byId.delete(id);
    this.compiled.delete(id);
    this.delStmt.run(id);
  }

  private remember(s: Silence): void {
    this.byId.set(s.id, s);
    this.compiled.set(s.id, toMatchers(s.matchers));
  }

  private persist(s: Silence): void {
    this.remember(s);
    this.putStmt.run(s.id, JSON.stringify(s), s.endsAt);
  }

  list(): Silence[] {
    return [...this.byId.values()];
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }

  /**
   * Creates a silence, or updates the one named by p.id (Alertmanager's POST
   * /api/v2/silences): an update keeps the id only when Alertmanager would
   * (same matchers; an active silence keeps its start and may not end in the
   * past; a pending one may not start in the past). Otherwise the old silence
   * is expired and a new one with a new id replaces it.
   */
  upsert(p: PostableSilence): string {
    const matchers = validate(p);
    const now = this.now();
    let startsAt = time(p.startsAt, 'startsAt');
    const endsAt = time(p.endsAt, 'endsAt');
    if (endsAt <= startsAt) throw new SilenceError('Failed to create silence: start time must be before end time', 400);
    if (endsAt <= now) throw new SilenceError("Failed to create silence: end time can't be in the past", 400);
    const fields = { matchers, createdBy: p.createdBy, comment: p.comment, updatedAt: now };
    const old = p.id ? this.byId.get(p.id) : undefined;
    if (p.id && !old) throw new SilenceError(`silence ${p.id} not found`, 404);
    if (old && canUpdate(old, matchers, startsAt, endsAt, now)) {
      const updated = { ...old, ...fields, startsAt, endsAt };
      this.checkSize(updated);
      this.persist(updated);
      return old.id;
    }
    // A silence never starts in the past: what happened before it was created was not silenced.
    if (startsAt < now) startsAt = now;
    const created: Silence = { id: randomUUID(), ...fields, startsAt, endsAt };
    // Limits first: a refused replacement leaves the old silence as it was.
    this.checkSize(created);
    this.checkCount(now, old);
    if (old && silenceState(old, now) !== 'expired') this.expireAt(old, now);
    this.persist(created);
    this.evictExpired(now);
    return created.id;
  }

  expire(id: string): void {
    const s = this.byId.get(id);
    if (!s) throw new SilenceError(`silence ${id} not found`, 404);
    if (silenceState(s, this.now()) === 'expired') throw new SilenceError(`silence ${id} is already expired`, 400);
    this.expireAt(s, this.now());
  }

  private expireAt(s: Silence, now: number): void {
    const pending = silenceState(s, now) === 'pending';
    this.persist({ ...s, startsAt: pending ? now : s.startsAt, endsAt: now, updatedAt: now });
  }

  /** Counts by state (metrics). */
  countByState(): Record<SilenceState, number> {
    const now = this.now();
    const out: Record<SilenceState, number> = { active: 0, pending: 0, expired: 0 };
    for (const s of this.byId.values()) out[silenceState(s, now)]++;
    return out;
  }

  /** Ids of the active silences matching the labels (empty = not silenced). */
  silencedBy(labels: Record<string, string>): string[] {
    const now = this.now();
    const ids: string[] = [];
    for (const s of this.byId.values()) {
      if (silenceState(s, now) !== 'active') continue;
      if (matchesAll(this.compiled.get(s.id)!, labels)) ids.push(s.id);
    }
    return ids;
  }

  /** Drops silences expired for longer than the retention. */
  gc(): number {
    const cutoff = this.now() - this.retentionMs;
    let n = 0;
    for (const s of [...this.byId.values()]) {
      if (s.endsAt < cutoff) {
        this.drop(s.id);
        n++;
      }
    }
    return n;
  }
}

