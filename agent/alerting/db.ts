/**
 * The alerting state file, alerting.db under the component's storage dir:
 * the notification log and silences, so a restart neither re-sends what was
 * already sent within repeat_interval nor forgets silences. A corrupt file
 * is moved aside and replaced (agent/statedb), so it never stops the agent.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { openStateDb, type StateDb } from '../statedb/open-state-db';

export type AlertingDb = StateDb;

export interface AlertingDbOptions {
  logger?: Logger;
  meter?: Meter;
}

function createSchema(db: AlertingDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS nflog (
      group_key TEXT NOT NULL,
      receiver TEXT NOT NULL,
      integration TEXT NOT NULL,
      firing TEXT NOT NULL,
      resolved TEXT NOT NULL,
      ts INTEGER NOT NULL,
      expires INTEGER NOT NULL,
      PRIMARY KEY (group_key, receiver, integration)
    );
    CREATE TABLE IF NOT EXISTS silences (
      id TEXT PRIMARY KEY,
      body TEXT NOT NULL,
      ends_at INTEGER NOT NULL
    );
  `);
}

export function openAlertingDb(storageDir: string, opts: AlertingDbOptions = {}): AlertingDb {
  try {
    mkdirSync(storageDir, { recursive: true });
  } catch (err) {
    throw new Error(`cannot create the alerting state directory ${storageDir}: ${(err as Error).message} (check storage.dir permissions)`);
  }
  return openStateDb(path.join(storageDir, 'alerting.db'), { name: 'alerting', init: createSchema, ...opts });
}
