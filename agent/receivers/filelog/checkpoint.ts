/**
 * The receiver's offsets on disk (storage.dir/filelog/<id>.json): one
 * fingerprint and committed offset per tracked file, rewritten atomically
 * (temp file, fsync, rename) after each batch the pipeline accepted.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface CheckpointEntry {
  /** The file's first bytes (up to fingerprint_size). */
  fingerprint: Buffer;
  offset: number;
  path: string;
}

interface Stored { version: 1; files: { fp: string; offset: number; path: string }[] }

export class CheckpointFile {
  readonly file: string;
  private seq = 0;

  constructor(dir: string, id: string) {
    const safe = id.replace(/[^A-Za-z0-9_.-]/g, '_');
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${safe}.json`);
  }

  /** The stored entries; a missing file is an empty checkpoint, a corrupt one an error naming it. */
  load(): CheckpointEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`filelog checkpoint ${this.file}: ${(err as Error).message}`);
    }
    try {
      const s = JSON.parse(text) as Stored;
      if (s.version !== 1 || !Array.isArray(s.files)) throw new Error('unknown format');
      return s.files.map((f) => ({ fingerprint: Buffer.from(f.fp, 'base64'), offset: Number(f.offset), path: String(f.path) }))
        .filter((f) => f.fingerprint.length > 0 && Number.isSafeInteger(f.offset) && f.offset >= 0);
    } catch (err) {
      throw new Error(`filelog checkpoint ${this.file} is corrupt (${(err as Error).message}); move it away to start over`);
    }
  }

  async save(entries: CheckpointEntry[]): Promise<void> {
    const stored: Stored = {
      version: 1,
      files: entries.map((e) => ({ fp: e.fingerprint.toString('base64'), offset: e.offset, path: e.path })),
    };
    const tmp = `${this.file}.${process.pid}.${++this.seq}.tmp`;
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(stored));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, this.file);
  }
}
