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
import type { Clock } from './timer/scheduler';

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

function time(text: string, what: string): number {
  const t = typeof text === 'string' ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new SilenceError(`${what} ${JSON.stringify(text)} is not an RFC 3339 time`, 400);
  return t;
}

export class Silences {
  private readonly byId = new Map<string, Silence>();
  private readonly compiled = new Map<string, Matcher[]>();
  private readonly putStmt;
  private readonly delStmt;

  constructor(private readonly db: AlertingDb, private readonly now: Clock, private readonly retentionMs = SILENCE_RETENTION_MS) {
    this.putStmt = db.prepare('INSERT OR REPLACE INTO silences (id, body, ends_at) VALUES (?, ?, ?)');
    this.delStmt = db.prepare('DELETE FROM silences WHERE id = ?');
    for (const row of db.prepare<[], { body: string }>('SELECT body FROM silences').all()) {
      const s = JSON.parse(row.body) as Silence;
      this.remember(s);
    }
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

  /** Creates a silence, or updates the one named by p.id (Alertmanager's POST /api/v2/silences). */
  upsert(p: PostableSilence): string {
    const matchers = validate(p);
    const now = this.now();
    let startsAt = time(p.startsAt, 'startsAt');
    const endsAt = time(p.endsAt, 'endsAt');
    if (endsAt <= startsAt) throw new SilenceError('endsAt must be after startsAt', 400);
    if (endsAt <= now) throw new SilenceError('endsAt is in the past: the silence would never be active', 400);
    if (p.id) {
      const old = this.byId.get(p.id);
      if (!old) throw new SilenceError(`silence ${p.id} not found`, 404);
      if (silenceState(old, now) !== 'expired') {
        // An active silence cannot move its start into the future retroactively; keep the original start.
        if (silenceState(old, now) === 'active' && startsAt > now) startsAt = old.startsAt;
        this.persist({ ...old, matchers, startsAt, endsAt, createdBy: p.createdBy, comment: p.comment, updatedAt: now });
        return old.id;
      }
      // An expired silence is never revived: a new one replaces it, as Alertmanager does.
    }
    const id = randomUUID();
    this.persist({ id, matchers, startsAt, endsAt, createdBy: p.createdBy, comment: p.comment, updatedAt: now });
    return id;
  }

  expire(id: string): void {
    const s = this.byId.get(id);
    if (!s) throw new SilenceError(`silence ${id} not found`, 404);
    const now = this.now();
    const state = silenceState(s, now);
    if (state === 'expired') throw new SilenceError(`silence ${id} is already expired`, 400);
    this.persist({ ...s, startsAt: state === 'pending' ? now : s.startsAt, endsAt: now, updatedAt: now });
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
        this.byId.delete(s.id);
        this.compiled.delete(s.id);
        this.delStmt.run(s.id);
        n++;
      }
    }
    return n;
  }
}

