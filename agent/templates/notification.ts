/**
 * Alertmanager's notification templates: one template set made of the
 * default templates (notification-defaults.ts) and then the operator's
 * `alerting.templates` files (globs relative to the config file, later
 * definitions replace earlier ones, as in Alertmanager), and the field
 * texts of receivers (`title: '{{ template "slack.myorg.title" . }}'`)
 * executed against it: as text/template (Slack, PagerDuty, email subject
 * and text) or as html/template (email html, with contextual escaping,
 * html-escape.ts). Like Alertmanager, a missing map key reads as "".
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BUILTINS } from './builtins';
import { Executor, TemplateExecError } from './exec';
import { fn, type FuncMap } from './funcs';
import { HtmlEscaper } from './html-escape';
import type { ListNode } from './nodes';
import { DEFAULT_NOTIFICATION_TEMPLATES } from './notification-defaults';
import { notificationData, STRING_SLICE, stringSlice, type TemplateMessage } from './notification-data';
import { parseTemplate, TemplateParseError, type ParsedTemplate } from './parse';
import { prometheusFuncs } from './prometheus-funcs';
import type { GoSlice, GoValue } from './values';

/** Alertmanager's template.DefaultFuncs (plus Go's builtins). `date`/`tz` came after 0.25 and are not provided. */
function alertmanagerFuncs(): FuncMap {
  const p = prometheusFuncs({ query: () => [], externalURL: '' });
  return {
    ...BUILTINS,
    toUpper: p.toUpper,
    toLower: p.toLower,
    title: p.title,
    join: fn(['string', STRING_SLICE], (sep: string, s: GoSlice | null) => (s?.items ?? []).join(sep)),
    match: p.match,
    safeHtml: p.safeHtml,
    reReplaceAll: p.reReplaceAll,
    stringSlice: fn([], (...s: GoValue[]) => stringSlice(s as string[]), 'string'),
  };
}

const FUNCS = alertmanagerFuncs();
const hasFunc = (name: string) => Object.hasOwn(FUNCS, name);

/** A template file, field text or glob that cannot be used; the message names the file or field. */
export class NotificationTemplateError extends Error {}

/** Go's filepath.Match for one path element: `*`, `?`, `[a-z]`, `[^...]`, `\` escapes. Linear-time enough: backtracks over `*` only. */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  const classMatch = (c: string): { ok: boolean; end: number } => {
    let i = p + 1;
    const negate = pattern[i] === '^' || pattern[i] === '!';
    if (negate) i++;
    let matched = false;
    let first = true;
    while (i < pattern.length && (first || pattern[i] !== ']')) {
      first = false;
      let lo = pattern[i];
      if (lo === '\\') lo = pattern[++i];
      let hi = lo;
      if (pattern[i + 1] === '-' && pattern[i + 2] !== ']' && i + 2 < pattern.length) {
        hi = pattern[i + 2] === '\\' ? pattern[i + 3] : pattern[i + 2];
        i += pattern[i + 2] === '\\' ? 3 : 2;
      }
      if (lo <= c && c <= hi) matched = true;
      i++;
    }
    if (i >= pattern.length) throw new NotificationTemplateError(`syntax error in pattern ${JSON.stringify(pattern)}`);
    return { ok: matched !== negate, end: i + 1 };
  };
  while (n < name.length) {
    const pc = pattern[p];
    if (pc === '*') { starP = p++; starN = n; continue; }
    if (p < pattern.length && pc !== '*') {
      if (pc === '?' && name[n] !== '/') { p++; n++; continue; }
      if (pc === '[') {
        const r = classMatch(name[n]);
        if (r.ok) { p = r.end; n++; continue; }
      } else if (pc === '\\' && pattern[p + 1] === name[n]) { p += 2; n++; continue; }
      else if (pc !== '?' && pc === name[n]) { p++; n++; continue; }
    }
    if (starP >= 0) { p = starP + 1; n = ++starN; continue; }
    return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Alertmanager's filepath.Glob of each `templates:` entry, relative to the config file's directory; sorted matches. */
export function expandTemplateGlobs(patterns: string[], baseDir: string): string[] {
  const files: string[] = [];
  for (const pattern of patterns) {
    const full = path.resolve(baseDir, pattern);
    const dir = path.dirname(full);
    const base = path.basename(full);
    if (/[*?[]/.test(dir)) throw new NotificationTemplateError(`${JSON.stringify(pattern)}: wildcards are supported in the file name only, not in directories`);
    if (!/[*?[\\]/.test(base)) {
      files.push(full);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // Go's Glob ignores an unreadable directory: no match.
    }
    files.push(...names.filter((n) => globMatch(base, n)).sort().map((n) => path.join(dir, n)).filter((f) => statSync(f).isFile()));
  }
  return files;
}

/**
 * Characters one field may render to (alerting.template_max_output_chars):
 * bounds the time a template over a huge group holds the event loop (about
 * 4 ms per 100 000 characters); the delivery then fails with Go's error text.
 */
export const DEFAULT_MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

/** Upper bound on one template file, so a wrong glob (a log directory) cannot load gigabytes. */
const MAX_TEMPLATE_FILE_BYTES = 4 * 1024 * 1024;

export class NotificationTemplates {
  private readonly defines = new Map<string, ListNode>();
  /** Field texts parsed once (receivers reuse a handful of texts). */
  private readonly cache = new Map<string, ParsedTemplate>();
  readonly files: string[];

  private constructor(sources: { name: string; text: string }[], files: string[], private readonly maxOutputChars: number) {
    this.files = files;
    for (const s of sources) {
      let t: ParsedTemplate;
      try {
        t = parseTemplate(s.name, s.text, hasFunc);
      } catch (err) {
        if (err instanceof TemplateParseError) throw new NotificationTemplateError(`${s.name}: ${err.message}`);
        throw err;
      }
      for (const [name, body] of t.defines) {
        // Go keeps an existing definition when the new one is empty ({{ define "x" }}{{ end }}).
        if (body.nodes.length === 0 && this.defines.has(name)) continue;
        this.defines.set(name, body);
      }
    }
  }

  /** Only the default templates (no `templates:` configured). */
  static defaults(maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS): NotificationTemplates {
    return new NotificationTemplates([{ name: 'default.tmpl', text: DEFAULT_NOTIFICATION_TEMPLATES }], [], maxOutputChars);
  }

  /** The defaults, then every file the patterns match; throws NotificationTemplateError naming the file. */
  static load(patterns: string[], baseDir: string, maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS): NotificationTemplates {
    const files = expandTemplateGlobs(patterns, baseDir);
    const sources = [{ name: 'default.tmpl', text: DEFAULT_NOTIFICATION_TEMPLATES }];
    for (const f of files) {
      let text: string;
      try {
        const size = statSync(f).size;
        if (size > MAX_TEMPLATE_FILE_BYTES) throw new Error(`${size} bytes, more than the ${MAX_TEMPLATE_FILE_BYTES} allowed`);
        text = readFileSync(f, 'utf8');
      } catch (err) {
        throw new NotificationTemplateError(`cannot read ${f}: ${(err as Error).message}`);
      }
      sources.push({ name: path.basename(f), text });
    }
    return new NotificationTemplates(sources, files, maxOutputChars);
  }

  /** Go's parse error for a field text, or undefined when it parses (config validation). */
  static check(text: string): string | undefined {
    try {
      parseTemplate('', text, hasFunc);
      return undefined;
    } catch (err) {
      if (err instanceof TemplateParseError) return err.message;
      throw err;
    }
  }

  private parsed(text: string): ParsedTemplate {
    let t = this.cache.get(text);
    if (!t) {
      try {
        t = parseTemplate('', text, hasFunc);
      } catch (err) {
        if (err instanceof TemplateParseError) throw new NotificationTemplateError(err.message);
        throw err;
      }
      const defines = new Map(this.defines);
      for (const [k, v] of t.defines) defines.set(k, v);
      t = { ...t, defines };
      if (this.cache.size < 1000) this.cache.set(text, t);
    }
    return t;
  }

  private run(text: string, data: GoValue, html: boolean): string {
    // Plain text needs no template machinery (but html text still drops comments, as Go does).
    if (!text.includes('{{') && !(html && text.includes('<!--'))) return text;
    try {
      return new Executor(this.parsed(text), FUNCS, html ? new HtmlEscaper() : undefined, this.maxOutputChars).execute(data);
    } catch (err) {
      if (err instanceof TemplateExecError) throw new NotificationTemplateError(err.message);
      throw err;
    }
  }

  /** Go data for a notification; `transform` rewrites label/annotation values (Slack escaping). */
  data(msg: TemplateMessage, transform?: (v: string) => string): GoValue {
    return notificationData(msg, transform);
  }

  /** Alertmanager's ExecuteTextString. Throws NotificationTemplateError. */
  text(text: string, data: GoValue): string {
    return this.run(text, data, false);
  }

  /** Alertmanager's ExecuteHTMLString (html/template). Throws NotificationTemplateError. */
  html(text: string, data: GoValue): string {
    return this.run(text, data, true);
  }
}

/**
 * The template set integrations render with, swapped in place when the
 * template files are read again (a config reload), so edited .tmpl files
 * apply without rebuilding routing.
 */
export class TemplateHolder {
  constructor(public current: NotificationTemplates) {}
}

/** check-config and reload: every `alerting.templates` file reads and parses (problems as "alerting.templates: ..."). */
export function validateTemplateFiles(patterns: string[], baseDir: string): { path: string; message: string }[] {
  try {
    NotificationTemplates.load(patterns, baseDir);
    return [];
  } catch (err) {
    if (err instanceof NotificationTemplateError) return [{ path: 'alerting.templates', message: err.message }];
    throw err;
  }
}
