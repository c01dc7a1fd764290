/**
 * Secrets in the configuration, marked once in the zod schemas and masked
 * generically from that marking, as Alertmanager's `Secret` type does: every
 * value of a `secret()` field (webhook and Slack URLs, routing keys,
 * passwords, credentials, header values) prints as `<secret>`, and any URL
 * carrying `user:password@` has its userinfo masked wherever it appears.
 *
 * maskBySchema() walks the schema's *input* side (what the user writes), so
 * it masks a raw config document, or a document rendered back into the same
 * shape (alertmanager.yml for /api/v2/status). collectSecrets() lists the
 * secret values themselves, so the log scrubber can replace them in any
 * line, whatever code wrote it.
 */
import { z } from 'zod';

export const SECRET = '<secret>';

/** Schemas whose values are secrets (identity, not a name: wrappers keep the marking through the def chain). */
const secretSchemas = new WeakSet<object>();

/** Marks a schema as holding a secret; returns it unchanged for chaining. */
export function secret<T extends z.ZodType>(schema: T): T {
  secretSchemas.add(schema);
  return schema;
}

/** A secret string: `secret(z.string())`. */
export function secretString() {
  return secret(z.string());
}

interface Def {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
  getter?: () => unknown;
}

function defOf(s: unknown): Def | undefined {
  return (s as { def?: Def } | undefined)?.def;
}

/** Follows wrappers (optional, default, prefault, nullable, pipe's input, lazy) down to a structural schema, noting any secret marking on the way. */
function unwrap(schema: unknown): { schema: unknown; isSecret: boolean } {
  let s = schema;
  let isSecret = false;
  for (let i = 0; i < 20 && s; i++) {
    if (secretSchemas.has(s as object)) isSecret = true;
    const d = defOf(s);
    if (!d) break;
    const next = d.innerType ?? d.in ?? d.getter?.();
    if (!next || d.type === 'object' || d.type === 'array' || d.type === 'record') break;
    s = next;
  }
  return { schema: s, isSecret };
}

const USERINFO = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#@\s"'<>]+@/g;

/** `https://user:pass@host/` -> `https://<secret>@host/`, anywhere in a string. */
export function maskUserinfo(text: string): string {
  return text.replace(USERINFO, `$1${SECRET}@`);
}

function walk(schema: unknown, value: unknown, visit: (isSecret: boolean, v: unknown) => unknown): unknown {
  const { schema: s, isSecret } = unwrap(schema);
  if (isSecret) return visit(true, value);
  const d = defOf(s);
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) {
    const el = d?.type === 'array' ? d.element : undefined;
    return value.map((v) => walk(el, v, visit));
  }
  if (typeof value === 'object') {
    // A union of shapes (a registered component type: undefined or its config): walk the object option.
    if (d?.type === 'union') {
      const option = d.options?.find((o) => defOf(unwrap(o).schema)?.type === 'object');
      if (option) return walk(option, value, visit);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      let child: unknown;
      // A `type/name` component instance is shaped as its type's section (exporters.otlp/2 as exporters.otlp).
      if (d?.type === 'object') child = d.shape?.[k] ?? d.shape?.[k.split('/')[0]];
      else if (d?.type === 'record') child = d.valueType;
      out[k] = walk(child, v, visit);
    }
    return out;
  }
  return visit(false, value);
}

/** A copy of `value` (shaped as `schema`'s input) with secret fields as `<secret>` and URL userinfo masked. */
export function maskBySchema(schema: unknown, value: unknown): unknown {
  return walk(schema, value, (isSecret, v) => {
    if (isSecret) return v === undefined || v === null || v === '' ? v : SECRET;
    return typeof v === 'string' ? maskUserinfo(v) : v;
  });
}

/** Every secret value in `value` (non-empty strings of secret fields, and URL userinfo), for the log scrubber. */
export function collectSecrets(schema: unknown, value: unknown): string[] {
  const out = new Set<string>();
  const addUserinfo = (s: string) => {
    for (const m of s.matchAll(USERINFO)) {
      const info = m[0].slice(m[1].length, -1);
      out.add(info);
      const colon = info.indexOf(':');
      if (colon >= 0 && colon < info.length - 1) out.add(info.slice(colon + 1));
    }
  };
  walk(schema, value, (isSecret, v) => {
    if (typeof v === 'string') {
      if (isSecret && v.length > 0) out.add(v);
      addUserinfo(v);
    } else if (isSecret && v && typeof v === 'object') {
      for (const x of Object.values(v as Record<string, unknown>)) if (typeof x === 'string' && x) out.add(x);
    }
    return v;
  });
  return [...out];
}
