/**
 * Prometheus' web configuration file (exporter-toolkit's format, the file
 * `prometheus --web.config.file` and `alertmanager --web.config.file`
 * read), for the admin port: TLS with an optional client CA, and basic-auth
 * users with bcrypt hashes. Keys Prometheus has but Lookout does not
 * implement are refused by name rather than silently ignored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { ConfigProblem } from '../config/load';
import { formatZodIssues } from '../config/load';

export const CLIENT_AUTH_TYPES = [
  'NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = typeof CLIENT_AUTH_TYPES[number];

function notSupported(key: string) {
  return z.unknown().superRefine((_v, ctx) => { ctx.addIssue({ code: 'custom', message: `${key} is not supported by Lookout` }); }).optional();
}

/** bcrypt hashes as htpasswd -B and Prometheus' docs produce them ($2a$, $2b$, $2y$). */
const bcryptHash = z.string().regex(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, 'must be a bcrypt hash ($2y$10$..., e.g. from htpasswd -nBC 10 "" | tr -d \':\\n\')');

export const webConfigSchema = z.strictObject({
  tls_server_config: z.strictObject({
    cert_file: z.string().min(1),
    key_file: z.string().min(1),
    client_auth_type: z.enum(CLIENT_AUTH_TYPES).default('NoClientCert'),
    client_ca_file: z.string().min(1).optional(),
    min_version: z.enum(['TLS12', 'TLS13']).default('TLS12'),
    max_version: notSupported('tls_server_config.max_version'),
    cipher_suites: notSupported('tls_server_config.cipher_suites'),
    curve_preferences: notSupported('tls_server_config.curve_preferences'),
    prefer_server_cipher_suites: notSupported('tls_server_config.prefer_server_cipher_suites'),
    client_allowed_sans: notSupported('tls_server_config.client_allowed_sans'),
    cert: notSupported('tls_server_config.cert (use cert_file)'),
    key: notSupported('tls_server_config.key (use key_file)'),
  }).refine((t) => !['VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'].includes(t.client_auth_type) || t.client_ca_file, {
    message: 'client_auth_type VerifyClientCertIfGiven / RequireAndVerifyClientCert needs client_ca_file', path: ['client_ca_file'],
  }).optional(),
  basic_auth_users: z.record(z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"'), bcryptHash).default({}),
  http_server_config: notSupported('http_server_config'),
});
export type WebConfig = z.infer<typeof webConfigSchema>;

/** The web config with its files read: what the server needs. */
export interface LoadedWebConfig {
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer; clientAuth: ClientAuthType; minVersion: 'TLSv1.2' | 'TLSv1.3' };
  users: ReadonlyMap<string, string>;
}

export class WebConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'WebConfigError';
  }
}

/** Reads and validates the file and every file it names; throws WebConfigError with all problems, paths prefixed by `prefix`. */
export function loadWebConfig(file: string, baseDir: string, prefix = 'admin.web_config_file'): LoadedWebConfig {
  const full = path.resolve(baseDir, file);
  const problem = (p: string, message: string): ConfigProblem => ({ path: p ? `${prefix} ${p}` : prefix, message });
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new WebConfigError([problem('', `cannot read ${full}: ${(err as Error).message}`)]);
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new WebConfigError(doc.errors.map((e) => problem('', `${full}: ${e.message.split('\n')[0]}`)));
  const parsed = webConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new WebConfigError(formatZodIssues(parsed.error, webConfigSchema).map((p) => problem(p.path, p.message)));
  const cfg = parsed.data;
  // Files in the web config resolve against the web config's own directory, as in Prometheus.
  const dir = path.dirname(full);
  const problems: ConfigProblem[] = [];
  const read = (key: string, f: string | undefined): Buffer | undefined => {
    if (!f) return undefined;
    try {
      return readFileSync(path.resolve(dir, f));
    } catch (err) {
      problems.push(problem(`tls_server_config.${key}`, `cannot read ${path.resolve(dir, f)}: ${(err as Error).message}`));
      return undefined;
    }
  };
  const t = cfg.tls_server_config;
  const cert = read('cert_file', t?.cert_file);
  const key = read('key_file', t?.key_file);
  const ca = read('client_ca_file', t?.client_ca_file);
  if (problems.length) throw new WebConfigError(problems);
  return {
    tls: t && cert && key ? { cert, key, ca, clientAuth: t.client_auth_type, minVersion: t.min_version === 'TLS13' ? 'TLSv1.3' : 'TLSv1.2' } : undefined,
    users: new Map(Object.entries(cfg.basic_auth_users)),
  };
}
