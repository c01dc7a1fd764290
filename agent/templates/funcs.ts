/**
 * How template functions are declared: Go checks arguments against the
 * function's parameter types (numbers, strings, Prometheus' query results),
 * so each function states its parameter types and the executor converts and
 * checks arguments exactly as Go's text/template does.
 */
import type { GoValue } from './values';

/**
 * A parameter type: a Go type name ('string', 'float64', 'int', 'bool',
 * 'template.queryResult', '*template.sample', ...), 'any' (interface{}) or
 * 'value' (reflect.Value: any value, including "no value").
 */
export type ParamType = string;

export interface FuncDef {
  params: ParamType[];
  /** Element type of a final ...T parameter. */
  variadic?: ParamType;
  /** Returns the result; throws FuncError for the function's returned error. */
  call(args: GoValue[]): GoValue;
}

/** An error a template function returns (Go: "error calling f: <message>"). */
export class FuncError extends Error {}

export type FuncMap = Record<string, FuncDef>;

/**
 * Declares a function. The executor has converted and type-checked every
 * argument against `params` before the call, hence the loose signature.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fn(params: ParamType[], call: (...args: any[]) => GoValue, variadic?: ParamType): FuncDef {
  return { params, variadic, call: (args) => call(...args) };
}
