/**
 * The last line of defence for secrets in output: every line the agent
 * writes (its JSON logs, `check-config`'s report, start-up errors) passes
 * through a scrubber that replaces each configured secret value (from the
 * `secret()` marking, see secret.ts) and any URL userinfo with `<secret>`,
 * whatever code produced the line. The set of secrets grows on reload (old
 * ones stay: a line about the previous config may still be written).
 */
import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { configSchema } from './schema';
import type { LoadedConfig } from './load';
import { collectSecrets, maskBySchema, maskUserinfo, SECRET } from './secret';

export class SecretScrubber {
  /** Longest first, so a secret containing another is replaced whole. */
  private needles: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  add(secrets: Iterable<string>): void {
    const set = new Set(this.needles);
    for (const s of secrets) {
      if (!s) continue;
      set.add(s);
      // The same value as it appears inside a JSON string (a log line).
      const escaped = JSON.stringify(s).slice(1, -1);
      if (escaped !== s) set.add(escaped);
    }
    this.needles = [...set].sort((a, b) => b.length - a.length);
  }

  /** Adds every secret of a raw config document. */
  addConfig(raw: unknown): void {
    this.add(collectSecrets(configSchema, raw));
  }

  scrub(text: string): string {
    let out = text;
    for (const n of this.needles) if (out.includes(n)) out = out.split(n).join(SECRET);
    return maskUserinfo(out);
  }

  /** A pino destination: the scrubbed line to `fd`, written synchronously (as pino.destination({ sync: true })), so nothing is lost at exit. */
  destination(fd = 1): Writable {
    return new Writable({
      decodeStrings: false,
      write: (chunk: string | Buffer, _enc, cb) => {
        try {
          writeSync(fd, this.scrub(chunk.toString()));
          cb();
        } catch (err) {
          cb(err as Error);
        }
      },
    });
  }
}

/** The config as YAML with every secret masked: GET /api/v1/status/config. */
export function maskedConfigYaml(loaded: LoadedConfig): string {
  return stringify(maskBySchema(configSchema, loaded.raw ?? {}));
}
