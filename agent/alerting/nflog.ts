/**
 * The notification log: for each (group key, receiver, integration) which
 * alerts were firing and resolved in the last successful notification, and
 * when. The dedup decision (Alertmanager's DedupStage.needsUpdate) reads it;
 * entries expire after a retention so the table does not grow forever.
 */
import type { AlertingDb } from './db';

export interface NflogEntry {
  firing: Set<string>;
  resolved: Set<string>;
  timestamp: number;
}

export interface NflogKey { groupKey: string; receiver: string; integration: string }

/** Alertmanager's default --data.retention. */
export const NFLOG_RETENTION_MS = 120 * 3600_000;

export class NotificationLog {
  private readonly getStmt;
  private readonly putStmt;
  private readonly gcStmt;

  constructor(private readonly db: AlertingDb, private readonly retentionMs = NFLOG_RETENTION_MS) {
    this.getStmt = db.prepare<[string, string, string], { firing: string; resolved: string; ts: number }>(
      'SELECT firing, resolved, ts FROM nflog WHERE group_key = ? AND receiver = ? AND integration = ?');
    this.putStmt = db.prepare(
      'INSERT OR REPLACE INTO nflog (group_key, receiver, integration, firing, resolved, ts, expires) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.gcStmt = db.prepare('DELETE FROM nflog WHERE expires < ?');
  }

  get(k: NflogKey): NflogEntry | undefined {
    const row = this.getStmt.get(k.groupKey, k.receiver, k.integration);
    if (!row) return undefined;
    return { firing: new Set(JSON.parse(row.firing) as string[]), resolved: new Set(JSON.parse(row.resolved) as string[]), timestamp: row.ts };
  }

  log(k: NflogKey, firing: Iterable<string>, resolved: Iterable<string>, now: number): void {
    this.putStmt.run(k.groupKey, k.receiver, k.integration, JSON.stringify([...firing].sort()), JSON.stringify([...resolved].sort()), now, now + this.retentionMs);
  }

  gc(now: number): number {
    return this.gcStmt.run(now).changes;
  }
}

function isSubset(subset: Set<string>, of: Set<string>): boolean {
  for (const x of subset) if (!of.has(x)) return false;
  return true;
}

/**
 * Whether a group must be notified now, exactly Alertmanager's rules: a new
 * firing alert always; all resolved only if the last notification had firing
 * alerts; newly resolved alerts if send_resolved; otherwise once
 * repeat_interval has passed since the last notification.
 */
export function needsUpdate(entry: NflogEntry | undefined, firing: Set<string>, resolved: Set<string>, sendResolved: boolean, repeatIntervalMs: number, now: number): boolean {
  if (!entry) return firing.size > 0;
  if (!isSubset(firing, entry.firing)) return true;
  if (firing.size === 0) return entry.firing.size > 0;
  if (sendResolved && !isSubset(resolved, entry.resolved)) return true;
  return entry.timestamp <= now - repeatIntervalMs;
}
