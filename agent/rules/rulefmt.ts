/**
 * Prometheus rule files (rulefmt), read unchanged: groups with name,
 * interval, limit, query_offset and rules (record | alert, expr, for,
 * keep_firing_for, labels, annotations). Validation follows Prometheus'
 * rulefmt checks and reports every problem with file, position, group, rule
 * and key, e.g.
 *   rules.yaml: 9:11: group "api", rule 2, "HighLatency": expr: could not parse expression: 1:6: parse error: ...
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { parseDuration } from '../config/duration';
import { checkAlertTemplate } from '../templates';
import { isValidLabelName, isValidLabelValue, isValidMetricName, METRIC_NAME } from './labels';
import { checkPromQLSyntax } from './promql-check';
import { parseDamping, type Damping } from './damping';

export interface RuleSpec {
  kind: 'alert' | 'record';
  /** Alert name or recorded metric name. */
  name: string;
  expr: string;
  /** `for`, ms (alerting rules). */
  for: number;
  /** `keep_firing_for`, ms (alerting rules). */
  keepFiringFor: number;
  /**
   * Lookout's flap damping (alerting rules, `damping: {fire: m, of: n}`):
   * a series counts as active only when the expression returned it in at
   * least m of the rule's last n evaluations. See agent/rules/damping.ts.
   */
  damping?: Damping;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroupSpec {
  /** The file the group came from (as given, resolved), shown in the API. */
  file: string;
  name: string;
  /** ms; undefined means the global evaluation_interval. */
  interval?: number;
  /** 0 means no limit. */
  limit: number;
  /** ms, evaluation looks this far back (query_offset). */
  queryOffset: number;
  rules: RuleSpec[];
}

export interface RuleFileProblem {
  file: string;
  line?: number;
  col?: number;
  group?: string;
  /** 1-based rule index within the group. */
  rule?: number;
  ruleName?: string;
  message: string;
}

export function formatProblem(p: RuleFileProblem): string {
  let s = `${p.file}: `;
  if (p.line !== undefined) s += `${p.line}:${p.col}: `;
  if (p.group !== undefined) {
    s += `group ${JSON.stringify(p.group)}`;
    if (p.rule !== undefined) s += `, rule ${p.rule}, ${JSON.stringify(p.ruleName ?? '')}`;
    s += ': ';
  }
  return s + p.message;
}

export class RuleFileError extends Error {
  constructor(readonly problems: RuleFileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'RuleFileError';
  }
}

const GROUP_KEYS = ['name', 'interval', 'limit', 'query_offset', 'rules'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations', 'damping'];

/** Parses and validates one rule file's text. `file` names it in problems. */
export function parseRuleFile(file: string, text: string): { groups: RuleGroupSpec[]; problems: RuleFileProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const problems: RuleFileProblem[] = [];
  const groups: RuleGroupSpec[] = [];
  const pos = (n: YamlNode | null | undefined) => {
    if (!n?.range) return {};
    const p = lc.linePos(n.range[0]);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const lp = e.linePos?.[0];
      problems.push({ file, line: lp?.line, col: lp?.col, message: `YAML: ${e.message.split('\n')[0]}` });
    }
    return { groups, problems };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { groups, problems };
  if (!isMap(root)) {
    problems.push({ file, ...pos(root as YamlNode), message: 'expected a mapping with a "groups" key' });
    return { groups, problems };
  }
  for (const pair of (root as YAMLMap).items) {
    const key = scalarText(pair.key as YamlNode);
    if (key !== 'groups') problems.push({ file, ...pos(pair.key as YamlNode), message: `unknown field ${JSON.stringify(key)} (allowed: groups)` });
  }
  const groupsNode = (root as YAMLMap).get('groups', true) as YamlNode | undefined;
  if (groupsNode === undefined || (isScalar(groupsNode) && groupsNode.value === null)) return { groups, problems };
  if (!isSeq(groupsNode)) {
    problems.push({ file, ...pos(groupsNode), message: 'groups: expected a list of rule groups' });
    return { groups, problems };
  }
  const seen = new Set<string>();
  for (const gNode of groupsNode.items as YamlNode[]) {
    const g = parseGroup(file, gNode, problems, pos);
    if (!g) continue;
    if (seen.has(g.name)) {
      problems.push({ file, ...pos(gNode), message: `groupname: ${JSON.stringify(g.name)} is repeated in the same file` });
    }
    seen.add(g.name);
    groups.push(g);
  }
  return { groups, problems };
}

type PosFn = (n: YamlNode | null | undefined) => { line?: number; col?: number };

function scalarText(n: YamlNode | null | undefined): string | undefined {
  if (!n || !isScalar(n)) return undefined;
  if (n.value === null) return '';
  // Keep the source spelling of plain scalars ("1.50" stays "1.50"), as Go's YAML does for string fields.
  if (n.type === 'PLAIN' && typeof n.source === 'string') return n.source;
  return String(n.value);
}

function parseGroup(file: string, node: YamlNode, problems: RuleFileProblem[], pos: PosFn): RuleGroupSpec | undefined {
  if (!isMap(node)) {
    problems.push({ file, ...pos(node), message: 'expected a rule group (a mapping with name and rules)' });
    return undefined;
  }
  const name = scalarText(node.get('name', true) as YamlNode) ?? '';
  const gp = (message: string, n: YamlNode | null | undefined = node) => problems.push({ file, ...pos(n), group: name, message });
  if (name === '') {
    problems.push({ file, ...pos(node), message: 'Groupname must not be empty' });
  }
  for (const pair of node.items as Pair<YamlNode, YamlNode>[]) {
    const key = scalarText(pair.key);
    if (!GROUP_KEYS.includes(key ?? '')) gp(`unknown field ${JSON.stringify(key)} (allowed: ${GROUP_KEYS.join(', ')})`, pair.key);
  }
  const group: RuleGroupSpec = { file, name, limit: 0, queryOffset: 0, rules: [] };
  const intervalNode = node.get('interval', true) as YamlNode | undefined;
  if (intervalNode) {
    const ms = durationField(intervalNode, (m) => gp(`interval: ${m}`, intervalNode));
    if (ms !== undefined && ms > 0) group.interval = ms;
  }
  const offsetNode = node.get('query_offset', true) as YamlNode | undefined;
  if (offsetNode) {
    const ms = durationField(offsetNode, (m) => gp(`query_offset: ${m}`, offsetNode));
    if (ms !== undefined) group.queryOffset = ms;
  }
  const limitNode = node.get('limit', true) as YamlNode | undefined;
  if (limitNode) {
    const v = isScalar(limitNode) ? limitNode.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) gp('limit: expected a non-negative integer', limitNode);
    else group.limit = v;
  }
  const rulesNode = node.get('rules', true) as YamlNode | undefined;
  if (rulesNode && !(isScalar(rulesNode) && rulesNode.value === null)) {
    if (!isSeq(rulesNode)) {
      gp('rules: expected a list of rules', rulesNode);
    } else {
      (rulesNode.items as YamlNode[]).forEach((rNode, i) => {
        const r = parseRule(file, name, i + 1, rNode, problems, pos);
        if (r) group.rules.push(r);
      });
    }
  }
  return group;
}

function durationField(n: YamlNode, report: (m: string) => void): number | undefined {
  const text = scalarText(n);
  if (text === undefined) { report('expected a duration such as 5m'); return undefined; }
  try {
    return parseDuration(text);
  } catch (err) {
    report((err as Error).message);
    return undefined;
  }
}

function stringMap(n: YamlNode | undefined, what: string, report: (m: string, at?: YamlNode) => void): Record<string, string> {
  const out: Record<string, string> = {};
  if (!n || (isScalar(n) && n.value === null)) return out;
  if (!isMap(n)) { report(`${what}: expected a mapping of names to strings`, n); return out; }
  for (const pair of n.items as Pair<YamlNode, YamlNode>[]) {
    const k = scalarText(pair.key);
    const v = pair.value && isScalar(pair.value) ? scalarText(pair.value) : undefined;
    if (k === undefined) { report(`${what}: keys must be strings`, pair.key); continue; }
    if (v === undefined) { report(`${what}.${k}: expected a string value`, pair.value ?? pair.key); continue; }
    out[k] = v;
  }
  return out;
}

function parseRule(
  file: string, group: string, index: number, node: YamlNode, problems: RuleFileProblem[], pos: PosFn,
): RuleSpec | undefined {
  if (!isMap(node)) {
    problems.push({ file, ...pos(node), group, rule: index, message: 'expected a rule (a mapping with record or alert, and expr)' });
    return undefined;
  }
  const get = (k: string) => node.get(k, true) as YamlNode | undefined;
  const record = scalarText(get('record')) ?? '';
  const alert = scalarText(get('alert')) ?? '';
  const ruleName = record || alert;
  const rp = (message: string, at?: YamlNode | null) =>
    problems.push({ file, ...(at ? pos(at) : {}), group, rule: index, ruleName, message });

  for (const pair of node.items as Pair<YamlNode, YamlNode>[]) {
    const key = scalarText(pair.key);
    if (!RULE_KEYS.includes(key ?? '')) rp(`unknown field ${JSON.stringify(key)} (allowed: ${RULE_KEYS.join(', ')})`, pair.key);
  }
  if (record && alert) rp("only one of 'record' and 'alert' must be set", get('record'));
  if (!record && !alert) rp("one of 'record' or 'alert' must be set", node);

  const exprNode = get('expr');
  const expr = scalarText(exprNode) ?? '';
  if (expr.trim() === '') {
    rp("expr: field 'expr' must be set in rule", exprNode ?? node);
  } else {
    const err = checkPromQLSyntax(expr);
    if (err) rp(`expr: could not parse expression: ${err}`, exprNode);
  }

  const forNode = get('for');
  const forMs = forNode ? durationField(forNode, (m) => rp(`for: ${m}`, forNode)) ?? 0 : 0;
  const kffNode = get('keep_firing_for');
  const kffMs = kffNode ? durationField(kffNode, (m) => rp(`keep_firing_for: ${m}`, kffNode)) ?? 0 : 0;
  const labels = stringMap(get('labels'), 'labels', rp);
  const annotations = stringMap(get('annotations'), 'annotations', rp);
  const dampingNode = get('damping');
  const damping = dampingNode ? parseDamping(dampingNode.toJSON(), (m) => rp(`damping: ${m}`, dampingNode)) : undefined;

  if (record) {
    if (Object.keys(annotations).length > 0) rp("invalid field 'annotations' in recording rule", get('record'));
    if (forMs !== 0) rp("invalid field 'for' in recording rule", get('record'));
    if (kffMs !== 0) rp("invalid field 'keep_firing_for' in recording rule", get('record'));
    if (dampingNode) rp("invalid field 'damping' in recording rule", get('record'));
    if (!isValidMetricName(record)) rp(`invalid recording rule name: ${record}`, get('record'));
  }
  for (const [k, v] of Object.entries(labels)) {
    if (!isValidLabelName(k) || k === METRIC_NAME) rp(`labels: invalid label name: ${k}`, get('labels'));
    if (!isValidLabelValue(v)) rp(`labels: invalid label value: ${v}`, get('labels'));
  }
  for (const k of Object.keys(annotations)) {
    if (!isValidLabelName(k)) rp(`annotations: invalid annotation name: ${k}`, get('annotations'));
  }
  if (alert) {
    for (const [k, v] of Object.entries(labels)) {
      const err = checkAlertTemplate(alert, v);
      if (err) rp(`label ${JSON.stringify(k)}: ${err}`);
    }
    for (const [k, v] of Object.entries(annotations)) {
      const err = checkAlertTemplate(alert, v);
      if (err) rp(`annotation ${JSON.stringify(k)}: ${err}`);
    }
  }
  return {
    kind: record ? 'record' : 'alert',
    name: ruleName,
    expr,
    for: forMs,
    keepFiringFor: kffMs,
    ...(damping ? { damping } : {}),
    labels,
    annotations,
  };
}
