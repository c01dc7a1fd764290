/**
 * Alertmanager's notification template data (its template.Data) as Go
 * values: `.Receiver`, `.Status`, `.Alerts` (with the methods `.Firing` and
 * `.Resolved`), `.GroupLabels` / `.CommonLabels` / `.CommonAnnotations`
 * (template.KV, with `.SortedPairs`, `.Names`, `.Values`, `.Remove`),
 * `.ExternalURL`, and per alert `.Status`, `.Labels`, `.Annotations`,
 * `.StartsAt`, `.EndsAt`, `.GeneratorURL`, `.Fingerprint`. Type names are
 * Alertmanager's, so type errors read as they do there.
 */
import { fn, type FuncDef } from './funcs';
import { GoMap, GoSlice, GoStruct, GoTime, type GoValue } from './values';

/** One alert as notifications carry it (the shape of notify/message.ts' NotifiedAlert). */
export interface TemplateAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339; Go's zero time ("0001-01-01T00:00:00Z") for a firing alert's endsAt. */
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** A notification as templates see it (the shape of notify/message.ts' NotificationMessage). */
export interface TemplateMessage {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: TemplateAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

export const STRING_SLICE = '[]string';

export function stringSlice(items: string[]): GoSlice {
  return new GoSlice(STRING_SLICE, items, 'string');
}

/** Alertmanager's KV.SortedPairs order: "alertname" first, then the other names sorted. */
export function sortedNames(kv: Map<string, GoValue>): string[] {
  const names = [...kv.keys()].filter((k) => k !== 'alertname').sort();
  return kv.has('alertname') ? ['alertname', ...names] : names;
}

function pair(name: string, value: string): GoStruct {
  return new GoStruct('template.Pair', new Map<string, GoValue>([['Name', name], ['Value', value]]));
}

function pairs(items: GoStruct[]): GoSlice {
  const names = () => stringSlice(items.map((p) => p.fields.get('Name') as string));
  const values = () => stringSlice(items.map((p) => p.fields.get('Value') as string));
  return new GoSlice('template.Pairs', items, 'template.Pair', { Names: fn([], names), Values: fn([], values) });
}

/** template.KV: a map[string]string with SortedPairs, Names, Values and Remove. */
export function kv(rec: Record<string, string>): GoMap {
  const entries = new Map<string, GoValue>(Object.entries(rec));
  const sorted = () => pairs(sortedNames(entries).map((k) => pair(k, entries.get(k) as string)));
  const methods: Record<string, FuncDef> = {
    SortedPairs: fn([], sorted),
    Names: fn([], () => stringSlice(sortedNames(entries))),
    Values: fn([], () => stringSlice(sortedNames(entries).map((k) => entries.get(k) as string))),
    Remove: fn([STRING_SLICE], (keys: GoSlice | null) => {
      const drop = new Set((keys?.items ?? []) as string[]);
      const out: Record<string, string> = {};
      for (const [k, v] of entries) if (!drop.has(k)) out[k] = v as string;
      return kv(out);
    }),
  };
  return new GoMap('template.KV', entries, '', methods);
}

function goTime(rfc3339: string): GoTime {
  const ms = Date.parse(rfc3339);
  return new GoTime(Number.isNaN(ms) ? Date.parse('0001-01-01T00:00:00Z') : ms);
}

function alertStruct(a: TemplateAlert): GoStruct {
  return new GoStruct('template.Alert', new Map<string, GoValue>([
    ['Status', a.status],
    ['Labels', kv(a.labels)],
    ['Annotations', kv(a.annotations)],
    ['StartsAt', goTime(a.startsAt)],
    ['EndsAt', goTime(a.endsAt)],
    ['GeneratorURL', a.generatorURL],
    ['Fingerprint', a.fingerprint],
  ]));
}

/** template.Alerts: a list of alerts with Firing() and Resolved(). */
export function alertList(items: GoStruct[]): GoSlice {
  const byStatus = (s: string) => () => alertList(items.filter((a) => a.fields.get('Status') === s));
  return new GoSlice('template.Alerts', items, 'template.Alert', { Firing: fn([], byStatus('firing')), Resolved: fn([], byStatus('resolved')) });
}

/**
 * Alertmanager's template.Data for a notification. `transform` rewrites
 * label and annotation values first (Slack escaping, see notify/escape.ts);
 * the default is no change.
 */
export function notificationData(msg: TemplateMessage, transform: (value: string) => string = (v) => v): GoStruct {
  const t = (rec: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec)) out[k] = transform(v);
    return out;
  };
  const alerts = msg.alerts.map((a) => alertStruct({ ...a, labels: t(a.labels), annotations: t(a.annotations) }));
  return new GoStruct('template.Data', new Map<string, GoValue>([
    ['Receiver', msg.receiver],
    ['Status', msg.status],
    ['Alerts', alertList(alerts)],
    ['GroupLabels', kv(t(msg.groupLabels))],
    ['CommonLabels', kv(t(msg.commonLabels))],
    ['CommonAnnotations', kv(t(msg.commonAnnotations))],
    ['ExternalURL', msg.externalURL],
  ]));
}
