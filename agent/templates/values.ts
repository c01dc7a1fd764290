/**
 * The Go values a template works with, as plain data. Go's text/template is
 * typed (float64 vs int matters to printf and to comparisons), so values keep
 * their Go type:
 *
 *   string -> JS string      float64 -> JS number     int -> JS bigint
 *   bool   -> JS boolean     nil interface -> null    "no value" -> undefined
 *
 * and maps, slices, structs, pointers, times and named strings as the small
 * classes below, each carrying the Go type name used in error messages.
 */

/**
 * Methods of a named Go type (Alertmanager's template.KV has SortedPairs,
 * Names, Values, Remove): called as `.CommonLabels.SortedPairs` or
 * `.CommonLabels.Remove .GroupLabels.Names`, looked up before fields and map
 * keys as Go does. Each is a function of its arguments, bound to the receiver.
 */
export type GoMethods = Record<string, import('./funcs').FuncDef>;

export class GoMap {
  constructor(
    readonly type: string,
    readonly entries: Map<string, GoValue>,
    /** The element type's zero value, returned for a missing key (missingkey=zero). */
    readonly zero: GoValue,
    readonly methods?: GoMethods,
  ) {}
}

export class GoSlice {
  constructor(readonly type: string, readonly items: GoValue[], readonly elemType: string, readonly methods?: GoMethods) {}
}

export class GoStruct {
  constructor(readonly type: string, readonly fields: Map<string, GoValue>, readonly methods?: GoMethods) {}
}

/** A pointer to a struct (Prometheus' *sample). */
export class GoPointer {
  constructor(readonly type: string, readonly target: GoStruct | GoTime | null) {}
}

/** time.Time (UTC, ms resolution as Prometheus' model.Time). */
export class GoTime {
  constructor(readonly ms: number) {}
}

/** A named string type such as html/template.HTML (not assignable to string). */
export class GoNamedString {
  constructor(readonly type: string, readonly value: string) {}
}

export type GoValue =
  | undefined
  | null
  | string
  | number
  | bigint
  | boolean
  | GoMap
  | GoSlice
  | GoStruct
  | GoPointer
  | GoTime
  | GoNamedString;

/** The Go type name of a value, as Go's reflect prints it. */
export function goTypeName(v: GoValue): string {
  if (v === undefined) return '<invalid reflect.Value>';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'float64';
    case 'bigint': return 'int';
    case 'boolean': return 'bool';
  }
  if (v instanceof GoTime) return 'time.Time';
  return v.type;
}

/** Go's truth: false, 0, nil, "" and empty maps/slices are false; structs are true. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'string': return v.length > 0;
    case 'number': return v !== 0;
    case 'bigint': return v !== 0n;
    case 'boolean': return v;
  }
  if (v instanceof GoMap) return v.entries.size > 0;
  if (v instanceof GoSlice) return v.items.length > 0;
  if (v instanceof GoPointer) return v.target !== null;
  if (v instanceof GoNamedString) return v.value.length > 0;
  return true;
}

export function stringMap(rec: Record<string, string> | undefined): GoMap {
  return new GoMap('map[string]string', new Map(Object.entries(rec ?? {})), '');
}

export function mapToRecord(m: GoMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of m.entries) out[k] = typeof v === 'string' ? v : String(v);
  return out;
}
