/**
 * `*_file` settings (api_url_file, routing_key_file, auth_password_file,
 * url_file) are read at send time, as Alertmanager does, so a rotated secret
 * is picked up without a restart. Relative paths resolve against the config
 * file's directory.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function readSecretFile(file: string, baseDir: string, what: string): string {
  const full = path.resolve(baseDir, file);
  try {
    return readFileSync(full, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read ${what} from ${full}: ${(err as Error).message}`);
  }
}

/** The inline value, else the file's content, else undefined. */
export function secretOrFile(inline: string | undefined, file: string | undefined, baseDir: string, what: string): string | undefined {
  if (inline) return inline;
  if (file) return readSecretFile(file, baseDir, what);
  return undefined;
}
