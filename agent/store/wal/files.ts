/** File names in the store's WAL folder: `wal-<n>` segments and `checkpoint-<n>` (the state through segment n). */
import fs from 'node:fs';
import path from 'node:path';

const pad = (n: number) => String(n).padStart(8, '0');
export const segmentName = (n: number) => `wal-${pad(n)}`;
export const checkpointName = (n: number) => `checkpoint-${pad(n)}`;

export interface WalFiles {
  segments: { n: number; file: string }[];
  checkpoints: { n: number; file: string }[];
  temporary: string[];
}

/** What the folder holds, oldest first. */
export function listWalFiles(dir: string): WalFiles {
  const out: WalFiles = { segments: [], checkpoints: [], temporary: [] };
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    let m = /^wal-(\d{8})$/.exec(name);
    if (m) { out.segments.push({ n: Number(m[1]), file }); continue; }
    m = /^checkpoint-(\d{8})$/.exec(name);
    if (m) { out.checkpoints.push({ n: Number(m[1]), file }); continue; }
    if (name.endsWith('.tmp')) out.temporary.push(file);
  }
  out.segments.sort((a, b) => a.n - b.n);
  out.checkpoints.sort((a, b) => a.n - b.n);
  return out;
}

/** Bytes of the WAL segments and checkpoints. */
export function walBytes(dir: string): number {
  let total = 0;
  const files = listWalFiles(dir);
  for (const f of [...files.segments, ...files.checkpoints]) {
    try { total += fs.statSync(f.file).size; } catch { /* deleted meanwhile */ }
  }
  return total;
}

/** Copies what follows the valid prefix to `<file>.corrupt-<time>` and cuts the file there; returns the new file's name. */
export function setAsideTail(file: string, buf: Buffer, goodBytes: number): string {
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.writeFileSync(movedTo, buf.subarray(goodBytes));
  fs.truncateSync(file, goodBytes);
  return movedTo;
}
