/**
 * Which files to read and from where: resolves the globs each poll, and
 * identifies files by fingerprint (their first bytes, as the Collector's
 * fileconsumer does), not by path or inode. A file renamed away keeps its
 * fingerprint and so its offset; a copy made by copy-truncate has the
 * fingerprint of the file it copies, so reading continues in the copy where
 * it stopped in the original; a truncated or new file has a new
 * fingerprint and is read from its start.
 */
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { glob } from '../../rules/files';
import type { CheckpointEntry } from './checkpoint';

export interface Tracked extends CheckpointEntry {
  /** Open while the file matches; kept one poll after it stops matching, to finish a renamed-away file. */
  fh?: FileHandle;
  lastSeenPoll: number;
  /** Creation order: older files are read first, so rotated data precedes the new file's. */
  order: number;
  /** Size and time when an unterminated tail was first seen (force_flush_period). */
  tailSize?: number;
  tailSince?: number;
}

export interface Found {
  path: string;
  fh: FileHandle;
  fingerprint: Buffer;
}

/** Include globs minus exclude globs, absolute, sorted, regular files only (checked at open). */
export function resolvePaths(include: string[], exclude: string[], baseDir: string): string[] {
  const abs = (p: string) => path.resolve(baseDir, p);
  const excluded = new Set(exclude.flatMap((p) => glob(abs(p))));
  const out = new Set<string>();
  for (const p of include) for (const f of glob(abs(p))) if (!excluded.has(f)) out.add(f);
  return [...out].sort();
}

/** Opens the file and reads its fingerprint; undefined for empty, vanished or non-regular files. */
export async function openFound(file: string, fingerprintSize: number): Promise<Found | undefined> {
  let fh: FileHandle | undefined;
  try {
    fh = await fs.open(file, 'r');
    const st = await fh.stat();
    if (!st.isFile() || st.size === 0) {
      await fh.close();
      return undefined;
    }
    const buf = Buffer.alloc(Math.min(fingerprintSize, st.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) {
      await fh.close();
      return undefined;
    }
    return { path: file, fh, fingerprint: buf.subarray(0, bytesRead) };
  } catch {
    await fh?.close().catch(() => undefined);
    return undefined;
  }
}

/** The tracked file whose fingerprint is the longest prefix of `fp` (a growing file's fingerprint grows). */
export function matchTracked(tracked: Iterable<Tracked>, fp: Buffer): Tracked | undefined {
  let best: Tracked | undefined;
  for (const t of tracked) {
    if (t.fingerprint.length > fp.length || (best && best.fingerprint.length >= t.fingerprint.length)) continue;
    if (fp.subarray(0, t.fingerprint.length).equals(t.fingerprint)) best = t;
  }
  return best;
}
