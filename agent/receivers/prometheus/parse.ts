/**
 * Parser of the Prometheus text exposition format (0.0.4) and OpenMetrics
 * 1.0 text, the two formats Prometheus 2.42 scrapes. Written here because no
 * maintained npm parser covers both (parse-prometheus-text-format knows
 * neither OpenMetrics, `# EOF`, exemplars nor timestamps in seconds;
 * prom-client only writes). It is a generator that yields every `sliceLines`
 * lines so the scrape loop can give the event loop a turn inside a large body.
 *
 * Kept as Prometheus keeps it: `_created` lines are ordinary samples
 * (Prometheus 2.42 ingests them as series), exemplars are parsed (and
 * validated) and counted but not stored, HELP/TYPE/UNIT become metadata.
 */
import type { Labels, MetricMetadata } from '../../store/types';

export type ExpositionFormat = 'text' | 'openmetrics';

export interface ParsedSample {
  labels: Labels;
  value: number;
  /** The sample's own timestamp (ms), when the exposition gives one. */
  timestampMs?: number;
}

export interface ParseOutput {
  samples: ParsedSample[];
  metadata: Map<string, MetricMetadata>;
  exemplars: number;
}

export class ExpositionParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionParseError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OM_TYPES: Record<string, MetricMetadata['type']> = {
  counter: 'counter', gauge: 'gauge', histogram: 'histogram', gaugehistogram: 'histogram', summary: 'summary',
  info: 'gauge', stateset: 'gauge', unknown: 'unknown', untyped: 'unknown',
};

export function newParseOutput(): ParseOutput {
  return { samples: [], metadata: new Map(), exemplars: 0 };
}

/** The format of a response by its Content-Type, as Prometheus picks the parser. */
export function formatOf(contentType: string | undefined): ExpositionFormat {
  return /^\s*application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'text';
}

/** Parses `text` into `out`, yielding every sliceLines lines; throws ExpositionParseError. */
export function* parseExposition(text: string, format: ExpositionFormat, out: ParseOutput, sliceLines = 2000): Generator<void, void, void> {
  const om = format === 'openmetrics';
  let pos = 0;
  let lineNo = 0;
  let sawEof = false;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (lineNo % sliceLines === 0) yield;
    if (sawEof) throw new ExpositionParseError(lineNo, 'unexpected data after # EOF');
    if (line.length === 0 || (!om && /^\s*$/.test(line))) {
      if (om) throw new ExpositionParseError(lineNo, 'empty line in OpenMetrics');
      continue;
    }
    if (line.charCodeAt(0) === 35 /* # */ || (!om && /^\s*#/.test(line))) {
      if (om && line === '# EOF') { sawEof = true; continue; }
      parseComment(line, lineNo, om, out);
      continue;
    }
    out.samples.push(parseSample(line, lineNo, om, out));
  }
  if (om && !sawEof) throw new ExpositionParseError(lineNo, 'data does not end with # EOF');
}

function parseComment(line: string, lineNo: number, om: boolean, out: ParseOutput): void {
  const m = /^\s*#\s*(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (!m) {
    if (om) throw new ExpositionParseError(lineNo, `invalid comment (OpenMetrics allows only HELP, TYPE, UNIT and EOF): ${clip(line)}`);
    return;
  }
  const [, kind, name, rest = ''] = m;
  if (!METRIC_NAME.test(name)) throw new ExpositionParseError(lineNo, `invalid metric name ${JSON.stringify(clip(name))}`);
  const meta = out.metadata.get(name) ?? { type: 'unknown', help: '', unit: '' };
  if (kind === 'HELP') meta.help = unescapeHelp(rest, om);
  else if (kind === 'UNIT') meta.unit = rest.trim();
  else {
    const t = OM_TYPES[rest.trim().toLowerCase()];
    if (!t) throw new ExpositionParseError(lineNo, `invalid metric type ${JSON.stringify(clip(rest))}`);
    meta.type = t;
  }
  out.metadata.set(name, meta);
}

function parseSample(line: string, lineNo: number, om: boolean, out: ParseOutput): ParsedSample {
  let i = 0;
  const n = line.length;
  const fail = (msg: string): never => { throw new ExpositionParseError(lineNo, `${msg}: ${clip(line)}`); };
  while (!om && i < n && (line[i] === ' ' || line[i] === '\t')) i++;
  const nameStart = i;
  while (i < n && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  const name = line.slice(nameStart, i);
  if (!METRIC_NAME.test(name)) fail(`invalid metric name ${JSON.stringify(clip(name))}`);
  const labels: Labels = { __name__: name };
  if (line[i] === '{') i = parseLabels(line, i, labels, fail);
  const rest = line.slice(i);
  let sampleText = rest;
  let exemplarText: string | undefined;
  if (om) {
    const hash = rest.indexOf(' # ');
    if (hash >= 0) { sampleText = rest.slice(0, hash); exemplarText = rest.slice(hash + 3); }
  }
  const fields = sampleText.trim().split(/[ \t]+/);
  if (om && !/^ \S/.test(sampleText)) fail('expected exactly one space before the value');
  if (fields.length < 1 || fields[0] === '' || fields.length > 2) fail('expected a value and an optional timestamp');
  const value = parseValue(fields[0]);
  if (value === undefined) fail(`invalid value ${JSON.stringify(fields[0])}`);
  const sample: ParsedSample = { labels, value: value! };
  if (fields.length === 2) {
    const ts = om ? Number(fields[1]) * 1000 : Number(fields[1]);
    if (!Number.isFinite(ts) || (!om && !/^-?\d+$/.test(fields[1]))) fail(`invalid timestamp ${JSON.stringify(fields[1])}`);
    sample.timestampMs = Math.round(ts);
  }
  if (exemplarText !== undefined) {
    const ex = exemplarText.trim();
    if (ex[0] !== '{') fail('invalid exemplar: expected {labels}');
    const exLabels: Labels = {};
    const after = parseLabels(ex, 0, exLabels, fail);
    const exFields = ex.slice(after).trim().split(/[ \t]+/);
    if (exFields.length < 1 || exFields.length > 2 || parseValue(exFields[0]) === undefined) fail('invalid exemplar value');
    out.exemplars++;
  }
  return sample;
}

/** Parses `{a="b",...}` starting at line[i] === '{'; returns the index after '}'. */
function parseLabels(line: string, i: number, labels: Labels, fail: (msg: string) => never): number {
  i++;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '}') return i + 1;
    const ns = i;
    while (i < n && line[i] !== '=' && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '}') i++;
    const lname = line.slice(ns, i);
    if (!LABEL_NAME.test(lname)) fail(`invalid label name ${JSON.stringify(clip(lname))}`);
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] !== '=') fail(`expected '=' after label name ${lname}`);
    i++;
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] !== '"') fail(`expected '"' to start the value of label ${lname}`);
    i++;
    let value = '';
    let closed = false;
    while (i < n) {
      // Copy runs up to the next quote or backslash in one slice (most values have no escapes).
      let j = i;
      while (j < n) {
        const c = line.charCodeAt(j);
        if (c === 34 /* " */ || c === 92 /* \\ */) break;
        j++;
      }
      if (j > i) value += line.slice(i, j);
      i = j;
      if (i >= n) break;
      if (line.charCodeAt(i) === 92) {
        const e = line[i + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else fail(`invalid escape \\${e ?? ''} in the value of label ${lname}`);
        i += 2;
        continue;
      }
      closed = true;
      i++;
      break;
    }
    if (!closed) fail(`unterminated value of label ${lname}`);
    if (Object.prototype.hasOwnProperty.call(labels, lname)) fail(`duplicate label ${lname}`);
    labels[lname] = value;
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === ',') { i++; continue; }
    if (line[i] === '}') return i + 1;
    fail(`expected ',' or '}' after the value of label ${lname}`);
  }
}

/** Go's strconv.ParseFloat for the forms expositions use (Inf, NaN, decimals, exponents). */
export function parseValue(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function unescapeHelp(s: string, om: boolean): string {
  return s.replace(/\\(.)/g, (all, c: string) => (c === 'n' ? '\n' : c === '\\' ? '\\' : om && c === '"' ? '"' : all));
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
