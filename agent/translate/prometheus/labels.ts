/**
 * OTel attributes and resources to Prometheus labels, per the compatibility
 * spec: service.namespace/service.name -> job ("ns/name" or "name"),
 * service.instance.id -> instance, every other resource attribute on the
 * target_info series, attribute keys sanitised into label names and values
 * of colliding keys joined with ";" (in order of the original keys).
 */
import type { KeyValue, Resource } from '../../otlp/model';
import { anyValueToString } from '../../otlp/values';
import type { Labels } from '../../store/types';
import { sanitizeLabelName } from './names';

export const SERVICE_NAME = 'service.name';
export const SERVICE_NAMESPACE = 'service.namespace';
export const SERVICE_INSTANCE_ID = 'service.instance.id';

/** Attributes as labels: sanitised names; colliding keys' values joined with ";" sorted by original key. */
export function attributesToLabels(attrs: KeyValue[] | undefined, into: Labels = {}): Labels {
  if (!attrs || attrs.length === 0) return into;
  if (attrs.length <= FAST_PATH_MAX_ATTRS && distinctNames(attrs)) {
    // The common case, per data point: no two keys share a label name, so no grouping is needed.
    for (let i = 0; i < attrs.length; i++) {
      const value = anyValueToString(attrs[i].value);
      if (value !== '') into[namesScratch[i]] = value;
    }
    return into;
  }
  const groups = new Map<string, { key: string; value: string }[]>();
  for (const kv of attrs) {
    const value = anyValueToString(kv.value);
    const name = sanitizeLabelName(kv.key);
    const list = groups.get(name);
    if (list) {
      const same = list.findIndex((e) => e.key === kv.key);
      if (same >= 0) list[same].value = value; // a repeated key: last wins, as in the SDKs
      else list.push({ key: kv.key, value });
    } else groups.set(name, [{ key: kv.key, value }]);
  }
  for (const [name, list] of groups) {
    if (list.length === 1) {
      if (list[0].value !== '') into[name] = list[0].value;
      continue;
    }
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    into[name] = list.map((e) => e.value).join(';');
  }
  return into;
}

/** Up to this many attributes, collisions are found by comparing every pair (no Map per data point). */
const FAST_PATH_MAX_ATTRS = 16;
/** The sanitised names of the attributes distinctNames() looked at last (reused: one call at a time). */
const namesScratch: string[] = [];

/** Whether every attribute key sanitises to a name of its own; fills namesScratch. */
function distinctNames(attrs: KeyValue[]): boolean {
  for (let i = 0; i < attrs.length; i++) {
    const name = sanitizeLabelName(attrs[i].key);
    for (let j = 0; j < i; j++) if (namesScratch[j] === name) return false;
    namesScratch[i] = name;
  }
  return true;
}

export interface ResourceLabels {
  /** job and instance (either may be absent), added to every series of the resource. */
  identity: Labels;
  /** Labels of the target_info series (identity + the other resource attributes), or undefined when none. */
  targetInfo?: Labels;
}

/** job/instance from a resource, plus the target_info labels for its other attributes. */
export function resourceLabels(resource: Resource | null | undefined): ResourceLabels {
  const attrs = resource?.attributes ?? [];
  let name: string | undefined;
  let namespace: string | undefined;
  let instance: string | undefined;
  const others: KeyValue[] = [];
  for (const kv of attrs) {
    if (kv.key === SERVICE_NAME) name = anyValueToString(kv.value);
    else if (kv.key === SERVICE_NAMESPACE) namespace = anyValueToString(kv.value);
    else if (kv.key === SERVICE_INSTANCE_ID) instance = anyValueToString(kv.value);
    else others.push(kv);
  }
  const identity: Labels = {};
  if (name) identity.job = namespace ? `${namespace}/${name}` : name;
  if (instance) identity.instance = instance;
  if (others.length === 0) return { identity };
  const targetInfo = attributesToLabels(others);
  // job/instance identify the target: they win over attributes of the same name.
  Object.assign(targetInfo, identity);
  targetInfo.__name__ = 'target_info';
  return { identity, targetInfo };
}

/** A stable map key for a label set (sorted names; separators that cannot appear unescaped). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let out = '';
  for (const n of names) out += n + '\xff' + labels[n] + '\xfe';
  return out;
}
