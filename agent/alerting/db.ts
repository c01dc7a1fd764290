/**
 * The alerting state file, alerting.db under the component's storage dir:
 * the notification log and silences, so a restart neither re-sends what was
 * already sent within repeat_interval nor forgets silences.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type AlertingDb = Database.Database;

export function openAlertingDb(storageDir: string): AlertingDb {
  mkdirSync(storageDir, { recursive: true });
  const file = path.join(storageDir, 'alerting.db');
  let db: AlertingDb;
  try {
    db = new Database(file);
  } catch (err) {
    throw new Error(`cannot open alerting state ${file}: ${(err as Error).message} (check storage.dir permissions)`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
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
  return db;
}
