/**
 * Opening the agent's SQLite state files (alerting.db, rules.db) so that a
 * damaged file never stops the agent: a sidecar that exits on a corrupt
 * state file crash-loops in Kubernetes and stops forwarding the app's
 * telemetry. A file SQLite calls corrupt (not a database, malformed pages,
 * a failed quick_check) or whose content this agent cannot use (a newer
 * schema) is moved aside with its -wal/-shm as `<name>.corrupt-<timestamp>`,
 * logged with both paths, counted in lookout_state_db_corrupt_total{db},
 * and replaced by a fresh database. Any other failure (permissions, a
 * directory in the way, a full disk) is an error naming the file.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';

export type StateDb = Database.Database;

/** Content that opens but cannot be used (thrown by init): the file is moved aside like a corrupt one. */
export class UnusableStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnusableStateError';
  }
}

export interface StateDbOptions {
  /** The db label in logs and in the counter: `alerting`, `rules`. */
  name: string;
  /** Creates or checks the schema; throws UnusableStateError for content to set aside. */
  init(db: StateDb): void;
  logger?: Logger;
  meter?: Meter;
  /** Clock for the moved-aside file's timestamp (tests). */
  now?: () => number;
}

export const CORRUPT_COUNTER = 'lookout_state_db_corrupt_total';

function isCorruption(err: unknown): boolean {
  if (err instanceof UnusableStateError) return true;
  return err instanceof Database.SqliteError && (err.code === 'SQLITE_NOTADB' || err.code.startsWith('SQLITE_CORRUPT'));
}

function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim() !== '' && !l.startsWith('***')) ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses a non-empty file without SQLite's header before SQLite opens it:
 * closing a connection on such a file discards its -wal, which must be kept
 * with the rest for inspection.
 */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return; // missing (created fresh) or unreadable (SQLite reports it, naming the file)
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n > 0 && !head.subarray(0, n).equals(SQLITE_HEADER.subarray(0, n))) throw new UnusableStateError('file is not a database (no SQLite header)');
    if (n > 0 && n < SQLITE_HEADER.length) throw new UnusableStateError('file is not a database (truncated header)');
  } finally {
    closeSync(fd);
  }
}

function openAndInit(file: string, init: (db: StateDb) => void): StateDb {
  checkHeader(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Catches damaged pages now rather than at the first query of a running agent (ms on these small files).
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new UnusableStateError(`integrity check failed: ${firstLine(check)}`);
    init(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Renames file, file-wal and file-shm to `<file>.corrupt-<timestamp>[-wal|-shm]`; returns the new db path. */
function moveAside(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 1; existsSync(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  for (const ext of ['', '-wal', '-shm']) {
    if (existsSync(file + ext)) renameSync(file + ext, target + ext);
  }
  return target;
}

/** Opens (creating if needed) a state database; see the file comment for what happens to a corrupt one. */
export function openStateDb(file: string, opts: StateDbOptions): StateDb {
  try {
    return openAndInit(file, opts.init);
  } catch (err) {
    const reason = firstLine((err as Error).message);
    if (!isCorruption(err)) {
      throw new Error(`cannot open ${opts.name} state database ${file}: ${reason} (check that storage.dir is a writable directory)`);
    }
    let movedTo: string;
    try {
      movedTo = moveAside(file, (opts.now ?? Date.now)());
    } catch (moveErr) {
      throw new Error(`${opts.name} state database ${file} is unusable (${reason}) and cannot be moved aside: ${(moveErr as Error).message}`);
    }
    opts.logger?.error({ db: opts.name, file, movedTo, reason },
      `${opts.name} state database is corrupt or unusable; moved aside, starting with an empty one`);
    opts.meter?.createCounter(CORRUPT_COUNTER, {
      description: 'State databases (alerting.db, rules.db) found corrupt or unusable at start, moved aside and replaced by empty ones.',
    }).add(1, { db: opts.name });
    try {
      return openAndInit(file, opts.init);
    } catch (again) {
      throw new Error(`cannot open ${opts.name} state database ${file} after moving the unusable one aside to ${movedTo}: ${firstLine((again as Error).message)}`);
    }
  }
}
