/**
 * Alert state that survives restarts, in SQLite (rules.db under the
 * component's storage directory). Prometheus rebuilds `for` progress from
 * its ALERTS_FOR_STATE series; a sidecar's in-memory store starts empty, so
 * the state (active since, fired at, keep-firing since, last sent, resolved)
 * is written after every group evaluation and read back at start. A
 * corrupt file is moved aside and replaced (agent/statedb): the agent
 * forgets `for` progress rather than stop.
 */
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { openStateDb, UnusableStateError, type StateDb } from '../statedb/open-state-db';
import type { Alert, AlertState } from './alert';
import { labelsFromKey, labelsKey } from './labels';

const SCHEMA_VERSION = 1;

export interface SavedGroupState {
  /** The group's last evaluation before the restart. */
  downAt: number;
  /** Alerts by rule name. */
  alerts: Map<string, Alert[]>;
}

interface AlertRow {
  rule_name: string;
  labels: string;
  annotations: string;
  state: AlertState;
  value: number | null;
  active_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  last_sent_at: number | null;
  valid_until: number | null;
  keep_firing_since: number | null;
}

const opt = (v: number | null): number | undefined => (v === null ? undefined : v);

function createSchema(db: StateDb): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== 0 && version !== SCHEMA_VERSION) {
    throw new UnusableStateError(`schema version ${version}, this agent knows ${SCHEMA_VERSION}`);
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS group_state (
      group_key TEXT PRIMARY KEY,
      last_eval INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS alert_state (
      group_key TEXT NOT NULL,
      rule_name TEXT NOT NULL,
      labels TEXT NOT NULL,
      annotations TEXT NOT NULL,
      state TEXT NOT NULL,
      value REAL,
      active_at INTEGER NOT NULL,
      fired_at INTEGER,
      resolved_at INTEGER,
      last_sent_at INTEGER,
      valid_until INTEGER,
      keep_firing_since INTEGER,
      PRIMARY KEY (group_key, rule_name, labels)
    );
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

export class AlertStateStore {
  private readonly logger?: Logger;
  private readonly db: StateDb;
  private readonly saveTx: (groupKey: string, ts: number, rules: { name: string; alerts: Alert[] }[]) => void;

  constructor(file: string, opts: { logger?: Logger; meter?: Meter; now?: () => number } = {}) {
    this.logger = opts.logger;
    this.db = openStateDb(file, { name: 'rules', init: createSchema, ...opts });
    const del = this.db.prepare('DELETE FROM alert_state WHERE group_key = ?');
    const ins = this.db.prepare(`INSERT OR REPLACE INTO alert_state
      (group_key, rule_name, labels, annotations, state, value, active_at, fired_at, resolved_at, last_sent_at, valid_until, keep_firing_since)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const upGroup = this.db.prepare('INSERT OR REPLACE INTO group_state (group_key, last_eval) VALUES (?, ?)');
    this.saveTx = this.db.transaction((groupKey: string, ts: number, rules: { name: string; alerts: Alert[] }[]) => {
      del.run(groupKey);
      for (const r of rules) {
        for (const a of r.alerts) {
          ins.run(groupKey, r.name, labelsKey(a.labels), JSON.stringify(a.annotations), a.state,
            Number.isFinite(a.value) ? a.value : null, Math.round(a.activeAt), a.firedAt ?? null, a.resolvedAt ?? null,
            a.lastSentAt ?? null, a.validUntil ?? null, a.keepFiringSince ?? null);
        }
      }
      upGroup.run(groupKey, Math.round(ts));
    });
  }

  /** Replaces a group's saved state with its current alerts, as of evaluation time ts. */
  save(groupKey: string, ts: number, rules: { name: string; alerts: Alert[] }[]): void {
    this.saveTx(groupKey, ts, rules);
  }

  load(groupKey: string): SavedGroupState | undefined {
    const g = this.db.prepare('SELECT last_eval FROM group_state WHERE group_key = ?').get(groupKey) as { last_eval: number } | undefined;
    if (!g) return undefined;
    const rows = this.db.prepare('SELECT * FROM alert_state WHERE group_key = ?').all(groupKey) as AlertRow[];
    const alerts = new Map<string, Alert[]>();
    for (const r of rows) {
      let a: Alert;
      try {
        a = this.rowToAlert(r);
      } catch (err) {
        // One unreadable row loses one alert's progress, not the group's.
        this.logger?.warn({ groupKey, rule: r.rule_name, err: (err as Error).message }, 'skipping an unreadable row of rules.db');
        continue;
      }
      const list = alerts.get(r.rule_name) ?? [];
      list.push(a);
      alerts.set(r.rule_name, list);
    }
    return { downAt: g.last_eval, alerts };
  }

  private rowToAlert(r: AlertRow): Alert {
    return {
      labels: labelsFromKey(r.labels),
      annotations: JSON.parse(r.annotations) as Record<string, string>,
      state: r.state,
      value: r.value ?? NaN,
      activeAt: r.active_at,
      firedAt: opt(r.fired_at),
      resolvedAt: opt(r.resolved_at),
      lastSentAt: opt(r.last_sent_at),
      validUntil: opt(r.valid_until),
      keepFiringSince: opt(r.keep_firing_since),
    };
  }

  /** Drops state of groups no longer configured. */
  prune(keep: Set<string>): void {
    const keys = (this.db.prepare('SELECT group_key FROM group_state').all() as { group_key: string }[]).map((r) => r.group_key);
    const delA = this.db.prepare('DELETE FROM alert_state WHERE group_key = ?');
    const delG = this.db.prepare('DELETE FROM group_state WHERE group_key = ?');
    this.db.transaction(() => {
      for (const k of keys) if (!keep.has(k)) { delA.run(k); delG.run(k); }
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
