/**
 * OTel metric and attribute names to Prometheus names, following the
 * OpenTelemetry "Prometheus and OpenMetrics Compatibility" specification:
 * invalid characters become "_", a leading digit gets a "_" prefix, runs of
 * "_" collapse to one, the unit becomes a suffix (s -> _seconds, By/s ->
 * _bytes_per_second, "1" -> _ratio for gauges only, {annotations} dropped),
 * and monotonic sums end in _total.
 */

/** Metric names may hold [a-zA-Z0-9_:]; everything else becomes "_". */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  if (/^[0-9]/.test(out)) out = '_' + out;
  out = out.replace(/__+/g, '_');
  return out === '' ? '_' : out;
}

/** A label name that sanitizeLabelName() returns unchanged (most attribute keys written as labels already are). */
const VALID_LABEL_NAME = /^(?!.*__)[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label names may hold [a-zA-Z0-9_] only (colons are reserved for recording rules in metric names). */
export function sanitizeLabelName(name: string): string {
  // One test instead of three replacements: this runs for every attribute of every data point.
  if (VALID_LABEL_NAME.test(name)) return name;
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = '_' + out;
  out = out.replace(/__+/g, '_');
  return out === '' ? '_' : out;
}

/** UCUM units as written by OTel instrumentation, to the Prometheus base-unit word. */
const UNIT_WORDS: Record<string, string> = {
  // time
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  // bytes
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tebibytes',
  KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  // SI
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams',
  Cel: 'celsius', Hz: 'hertz', '%': 'percent',
};

/** The "per" half of a rate unit ("By/s" -> per_second). */
const PER_UNIT_WORDS: Record<string, string> = {
  s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year',
};

function unitWord(unit: string, table: Record<string, string>): string {
  const mapped = table[unit] ?? unit;
  // An unknown unit is kept as written, sanitised, without leading/trailing "_".
  return sanitizeLabelName(mapped).replace(/^_+|_+$/g, '');
}

/**
 * The name suffix for a unit ('' when none). "1" is "ratio" for gauges only:
 * a dimensionless counter ("1") is a plain count and gets no unit word.
 */
export function unitSuffix(unit: string | undefined, kind: 'gauge' | 'counter' | 'histogram' | 'summary'): string {
  if (!unit) return '';
  const stripped = unit.replace(/\{[^}]*\}/g, '').trim();
  if (stripped === '') return '';
  if (stripped === '1') return kind === 'gauge' ? 'ratio' : '';
  const slash = stripped.indexOf('/');
  if (slash >= 0) {
    const main = stripped.slice(0, slash).trim();
    const per = stripped.slice(slash + 1).trim();
    const mainWord = main && main !== '1' ? unitWord(main, UNIT_WORDS) : '';
    const perWord = per ? unitWord(per, PER_UNIT_WORDS) : '';
    if (!perWord) return mainWord;
    return mainWord ? `${mainWord}_per_${perWord}` : `per_${perWord}`;
  }
  return unitWord(stripped, UNIT_WORDS);
}

function endsWithWord(name: string, word: string): boolean {
  return name === word || name.endsWith('_' + word);
}

/**
 * The Prometheus family name of an OTel metric: sanitised name, then the
 * unit word unless already there, then _total for counters (a "_total"
 * already in the OTel name is moved behind the unit, as the Collector does).
 */
export function prometheusMetricName(name: string, unit: string | undefined, kind: 'gauge' | 'counter' | 'histogram' | 'summary'): string {
  let base = sanitizeMetricName(name);
  if (kind === 'counter' && endsWithWord(base, 'total') && base !== 'total') base = base.slice(0, -'_total'.length);
  const suffix = unitSuffix(unit, kind);
  if (suffix && !endsWithWord(base, suffix)) base = `${base}_${suffix}`;
  if (kind === 'counter') base = `${base}_total`;
  return base.replace(/__+/g, '_');
}
