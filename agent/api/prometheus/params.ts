/**
 * Request parameters read the way Prometheus' web API reads them:
 *  - form values from a POST body (application/x-www-form-urlencoded) come
 *    before URL query values (Go's Request.ParseForm), the first one wins;
 *  - times are RFC 3339 or Unix seconds with a fraction (rounded to ms);
 *  - durations are float seconds or Prometheus durations ("5m", "1h30m").
 */
import type { Request } from 'express';
import { parseDuration as parsePromDuration } from '../../config/duration';
import { ApiError } from './errors';

/** Prometheus' minTime/maxTime as ms; the strings its API prints for them are accepted too. */
export const MIN_TIME = Number.MIN_SAFE_INTEGER;
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-17T07:12:55.807Z';

function asList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

/** Every value of a parameter: POST form body first, then the URL query. */
export function formValues(req: Request, name: string): string[] {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>)[name] : undefined;
  return [...asList(body), ...asList((req.query as Record<string, unknown>)[name])];
}

/** The first value of a parameter, '' when absent (Go's FormValue). */
export function formValue(req: Request, name: string): string {
  return formValues(req, name)[0] ?? '';
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** A time parameter as ms; throws the Go-side message ("cannot parse ... to a valid timestamp"). */
export function parseTime(text: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const secs = Number(text);
    // Whole seconds and the fraction rounded to ms separately, as Prometheus does (no float drift).
    const whole = Math.trunc(secs);
    const ms = whole * 1000 + Math.round((secs - whole) * 1000);
    if (Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME) return ms;
  }
  if (text === MIN_TIME_TEXT) return MIN_TIME;
  if (text === MAX_TIME_TEXT) return MAX_TIME;
  const m = RFC3339.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (frac) t += Math.floor(Number(`0${frac}`) * 1000 + 1e-9);
    if (sign) t -= (sign === '+' ? 1 : -1) * (Number(oh) * 60 + Number(om)) * 60_000;
    if (Number.isFinite(t) && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31) return t;
  }
  throw new Error(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** A duration parameter as ms (float seconds or Prometheus notation). */
export function parseDurationParam(text: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const ms = Number(text) * 1000;
    if (!Number.isFinite(ms) || Math.abs(ms * 1e6) > 9.223372036854775807e18) {
      throw new Error(`cannot parse ${JSON.stringify(text)} to a valid duration. It overflows int64`);
    }
    return ms;
  }
  try {
    return parsePromDuration(text);
  } catch {
    throw new Error(`cannot parse ${JSON.stringify(text)} to a valid duration`);
  }
}

/** `invalid parameter "name": <reason>` as bad_data, Prometheus' wording. */
export function invalidParam(name: string, err: unknown): ApiError {
  return new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(err as Error).message}`);
}

/** A time parameter with a default when absent. */
export function timeParam(req: Request, name: string, dflt: number): number {
  const text = formValue(req, name);
  if (text === '') return dflt;
  try {
    return parseTime(text);
  } catch (err) {
    throw invalidParam(name, err);
  }
}

/** An optional non-negative integer parameter (limit, limit_per_metric); undefined when absent. */
export function limitParam(req: Request, name: string): number | undefined {
  const text = formValue(req, name);
  if (text === '') return undefined;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new ApiError('bad_data', `${name} must be a number`);
  return n;
}
