/**
 * processors.redaction: removes secrets that leak into telemetry before it
 * leaves the agent or reaches the local store and the alert notifier. On by
 * default. Every key is documented in README.md.
 */
import { z } from 'zod';
import { compileRegex, RegexSyntaxError } from '../../regex';
import { secretString } from '../../config/secret';
import { BUILTIN_PATTERN_NAMES } from './patterns';

/** Attribute keys whose whole value is a secret (compared lower-cased, whole key or its last `.` segment). */
export const DEFAULT_BLOCKED_KEYS = [
  'password', 'passwd', 'passphrase', 'secret', 'client_secret', 'token', 'access_token', 'refresh_token', 'id_token',
  'api_key', 'apikey', 'api-key', 'x-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
  'private_key', 'x-auth-token', 'x-amz-security-token', 'aws_secret_access_key',
];

/** A Go/RE2 regex, checked when the config loads (unanchored, as the Collector's). */
const regexSchema = z.string().min(1).superRefine((re, ctx) => {
  try {
    compileRegex(re);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof RegexSyntaxError ? err.message : String(err) });
  }
});

/** An extra pattern: a bare regex (named `blocked_values[i]` in metrics) or {name, regex}. */
export const blockedValueSchema = z.union([
  regexSchema,
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'letters, digits, _ . : - (at most 64)' }),
    regex: regexSchema,
  }),
]);

export const redactionConfigSchema = z.strictObject({
  /** false: a pass-through (nothing redacted). */
  enabled: z.boolean().default(true),
  /** mask: the secret becomes `mask`; hash: `sha256:` + HMAC-SHA256(salt, secret) in hex, so equal secrets stay correlatable. */
  action: z.enum(['mask', 'hash']).default('mask'),
  mask: z.string().min(1).max(64).default('****'),
  /** The HMAC key for action: hash (at least 16 characters; keep it secret, e.g. `${env:REDACTION_SALT}`). */
  salt: secretString().optional(),
  /** Built-in patterns to run (all by default). */
  builtin_patterns: z.array(z.enum(BUILTIN_PATTERN_NAMES)).default([...BUILTIN_PATTERN_NAMES]),
  /** Extra patterns (RE2 syntax, unanchored); with a capture group only group 1 is replaced. */
  blocked_values: z.array(blockedValueSchema).default([]),
  /** Keys whose whole value is replaced, whatever it holds. */
  blocked_keys: z.array(z.string().min(1)).default(DEFAULT_BLOCKED_KEYS),
  /** Regexes (RE2, unanchored) on the key: a match blocks the key as blocked_keys does. */
  blocked_key_patterns: z.array(regexSchema).default([]),
  /** Keys never redacted (exact, case-sensitive): neither blocked nor scanned. */
  ignored_keys: z.array(z.string().min(1)).default([]),
  /**
   * Longer string values are cut to this many characters (then scanned), so one value
   * costs a bounded time; counted as pattern "truncated".
   */
  max_value_length: z.number().int().min(1024).default(262_144),
  /**
   * Test a protobuf request's received bytes first (raw-prescan.ts): a request in which nothing can
   * be redacted is handed on without walking (or reading) its decoded form. false: walk every request.
   */
  raw_prescan: z.boolean().default(true),
  /** Also redact alert labels and annotations before the notifier and the alert-transition logs. */
  alerts: z.boolean().default(true),
}).superRefine((c, ctx) => {
  if (c.action === 'hash' && (c.salt === undefined || c.salt.length < 16)) {
    ctx.addIssue({ code: 'custom', path: ['salt'], message: 'action: hash needs a salt of at least 16 characters (an unsalted hash of a short secret can be reversed by guessing)' });
  }
  const names = new Set<string>();
  c.blocked_values.forEach((b, i) => {
    if (typeof b === 'string') return;
    if (names.has(b.name) || (BUILTIN_PATTERN_NAMES as readonly string[]).includes(b.name) || b.name === 'blocked_key') {
      ctx.addIssue({ code: 'custom', path: ['blocked_values', i, 'name'], message: `pattern name "${b.name}" is already used` });
    }
    names.add(b.name);
  });
});

export type RedactionConfig = z.infer<typeof redactionConfigSchema>;
