/**
 * JSON text of query results exactly as Prometheus' API writes it:
 *  - sample times as Unix seconds with up to three decimals, written like
 *    its MarshalTimestamp (1435781451.781, 1435781451.500, 1435781451);
 *  - sample values as strings formatted like Go's
 *    strconv.FormatFloat(v, 'f', -1, 64), with "+Inf", "-Inf", "NaN";
 *  - label sets with names in byte order, strings escaped like Go's
 *    encoding/json (including <, >, & as \u003c, \u003e, \u0026).
 * Built by hand: a large matrix is much faster as one string than through
 * JSON.stringify of nested arrays.
 */
import type { QueryValue } from '../../promql/types';
import type { Labels, MetricMetadata } from '../../store/types';
import { formatFloat } from '../../format/gofloat';

export function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Prometheus' MarshalTimestamp: integer seconds, then "." and the 3-digit millisecond fraction when non-zero. */
export function timestampJson(t: number): string {
  let out = '';
  let ms = Math.trunc(t);
  if (ms < 0) {
    out = '-';
    ms = -ms;
  }
  out += String(Math.floor(ms / 1000));
  const frac = ms % 1000;
  if (frac !== 0) out += `.${String(frac).padStart(3, '0')}`;
  return out;
}

/** A sample value as Prometheus' API prints it. */
export function valueString(v: number): string {
  return formatFloat(v, 'f', -1);
}

export function labelsJson(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    if (i) out += ',';
    out += `${jsonString(names[i])}:${jsonString(labels[names[i]])}`;
  }
  return `${out}}`;
}

function pointJson(t: number, v: number): string {
  return `[${timestampJson(t)},"${valueString(v)}"]`;
}

/** The "data" object of /api/v1/query and /api/v1/query_range. */
export function queryDataJson(value: QueryValue): string {
  switch (value.resultType) {
    case 'vector': {
      const parts = value.result.map((s) => `{"metric":${labelsJson(s.metric)},"value":${pointJson(s.t, s.value)}}`);
      return `{"resultType":"vector","result":[${parts.join(',')}]}`;
    }
    case 'matrix': {
      const parts = value.result.map((s) => {
        let points = '';
        for (let i = 0; i < s.t.length; i++) points += (i ? ',' : '') + pointJson(s.t[i], s.v[i]);
        return `{"metric":${labelsJson(s.metric)},"values":[${points}]}`;
      });
      return `{"resultType":"matrix","result":[${parts.join(',')}]}`;
    }
    case 'scalar':
      return `{"resultType":"scalar","result":${pointJson(value.result.t, value.result.value)}}`;
    case 'string':
      return `{"resultType":"string","result":[${timestampJson(value.result.t)},${jsonString(value.result.value)}]}`;
    default:
      throw new Error(`unknown result type ${(value as { resultType: string }).resultType}`);
  }
}

export function stringArrayJson(values: readonly string[]): string {
  return `[${values.map(jsonString).join(',')}]`;
}

/** {"name":[{"type":..,"help":..,"unit":..}],...} with names sorted, as Go marshals a map. */
export function metadataJson(entries: [string, MetricMetadata[]][]): string {
  const sorted = entries.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const parts = sorted.map(([name, metas]) => `${jsonString(name)}:[${metas.map((m) =>
    `{"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`).join(',')}]`);
  return `{${parts.join(',')}}`;
}

/** The success envelope around an already-serialised data value. */
export function successJson(data: string, warnings?: string[]): string {
  const w = warnings && warnings.length ? `,"warnings":${stringArrayJson(warnings)}` : '';
  return `{"status":"success","data":${data}${w}}`;
}

export function errorJson(type: string, message: string): string {
  return `{"status":"error","errorType":${jsonString(type)},"error":${jsonString(message)}}`;
}
