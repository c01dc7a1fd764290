/**
 * receivers.filelog: tails files by glob and parses lines into OTLP log
 * records. Key names follow the OpenTelemetry Collector's filelog receiver
 * (include, exclude, start_at, poll_interval, max_log_size, multiline,
 * operators with json_parser / regex_parser and their embedded timestamp,
 * severity and trace blocks). Every key is documented in README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';
import { compileRegex } from '../../regex';
import { checkStrptimeLayout } from './timestamp';

/** Byte sizes as a number or "64KiB"-style text (the Collector's helper.ByteSize). */
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1000, kib: 1024, mb: 1000 ** 2, mib: 1024 ** 2, gb: 1000 ** 3, gib: 1024 ** 3 };
export function byteSizeSchema(min = 1) {
  return z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
    const m = typeof v === 'number' ? undefined : /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(v);
    const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
    const n = typeof v === 'number' ? v : m && unit !== undefined ? Number(m[1]) * unit : undefined;
    if (n === undefined || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `invalid byte size ${JSON.stringify(v)} (e.g. 1048576, "64KiB", "1MiB")` });
      return z.NEVER;
    }
    if (n < min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${min} bytes, got ${n}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A compiled search regex (RE2, agent/regex); the error is Go's. */
function regexSchema(requireNamedGroups: boolean) {
  return z.string().min(1).superRefine((re, ctx) => {
    try {
      const compiled = compileRegex(re);
      if (requireNamedGroups && Object.keys(compiled.names).length === 0) {
        ctx.addIssue({ code: 'custom', message: 'regex needs at least one named group, e.g. (?P<level>\\w+)' });
      }
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
}

/** `body` or `attributes.<key>[.<nested>...]`, the Collector's field syntax. */
const fieldSchema = z.string().regex(/^(body|attributes\.[^.].*)$/, 'must be "body" or "attributes.<key>"');

const EPOCH_LAYOUTS = ['s', 'ms', 'us', 'ns', 's.ms', 's.us', 's.ns'] as const;

const timestampSchema = z.strictObject({
  parse_from: fieldSchema,
  layout_type: z.enum(['strptime', 'epoch']).default('strptime'),
  layout: z.string().min(1),
}).superRefine((t, ctx) => {
  if (t.layout_type === 'epoch' && !(EPOCH_LAYOUTS as readonly string[]).includes(t.layout)) {
    ctx.addIssue({ code: 'custom', path: ['layout'], message: `epoch layout must be one of ${EPOCH_LAYOUTS.join(', ')}` });
  }
  if (t.layout_type === 'strptime') {
    const problem = checkStrptimeLayout(t.layout);
    if (problem) ctx.addIssue({ code: 'custom', path: ['layout'], message: problem });
  }
});

const severitySchema = z.strictObject({ parse_from: fieldSchema });

const traceSchema = z.strictObject({
  trace_id: z.strictObject({ parse_from: fieldSchema.default('attributes.trace_id') }).prefault({}),
  span_id: z.strictObject({ parse_from: fieldSchema.default('attributes.span_id') }).prefault({}),
  trace_flags: z.strictObject({ parse_from: fieldSchema.default('attributes.trace_flags') }).prefault({}),
});

const parserCommon = {
  id: z.string().min(1).optional(),
  parse_from: fieldSchema.default('body'),
  /** send: a line that does not parse goes on unparsed (counted); drop: it is left out (counted). */
  on_error: z.enum(['send', 'drop']).default('send'),
  timestamp: timestampSchema.optional(),
  severity: severitySchema.optional(),
  trace: traceSchema.optional(),
};

const operatorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('json_parser'), ...parserCommon }),
  z.strictObject({ type: z.literal('regex_parser'), regex: regexSchema(true), ...parserCommon }),
], { error: 'type must be json_parser or regex_parser' });
export type OperatorConfig = z.infer<typeof operatorSchema>;

const stringMap = z.record(z.string().min(1), z.string());

export const filelogConfigSchema = z.strictObject({
  /** Globs (Go filepath.Match per segment) of files to tail. */
  include: z.array(z.string().min(1)).min(1),
  exclude: z.array(z.string().min(1)).default([]),
  /** Where to begin in files found at the first poll without a checkpoint; later files are read from the start. */
  start_at: z.enum(['end', 'beginning']).default('end'),
  poll_interval: durationSchema().default(200),
  /** Longer lines (or multiline records) are split into records of at most this many bytes. */
  max_log_size: byteSizeSchema(64).default(1024 * 1024),
  /** Records per batch handed to the pipeline (offsets are committed per batch). */
  max_batch: z.number().int().min(1).max(100_000).default(1000),
  /** Files tracked at once (open descriptors); more matching files wait for a later poll. */
  max_concurrent_files: z.number().int().min(1).max(65_536).default(1024),
  /** Bytes at a file's start that identify it across renames and copies. */
  fingerprint_size: byteSizeSchema(16).default(1000),
  /** An unterminated last line (or multiline record) is emitted after the file stops growing this long. */
  force_flush_period: durationSchema().default(500),
  multiline: z.strictObject({ line_start_pattern: regexSchema(false) }).optional(),
  operators: z.array(operatorSchema).max(16).default([]),
  include_file_name: z.boolean().default(true),
  include_file_path: z.boolean().default(false),
  /** Attributes added to every record, and the resource of every batch (e.g. service.name). */
  attributes: stringMap.default({}),
  resource: stringMap.default({}),
});

export type FilelogConfig = z.infer<typeof filelogConfigSchema>;
