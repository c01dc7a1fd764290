/**
 * Prometheus' rules and alerts HTTP API, same paths and JSON:
 *   GET /api/v1/rules   ?type=alert|record, rule_name[], rule_group[], file[]
 *   GET /api/v1/alerts
 * so Grafana, promtool-style scripts and the Prometheus UI's habits work
 * against the agent's admin server unchanged.
 */
import { Router, type Request, type Response } from 'express';
import { formatFloat } from '../templates/gofloat';
import type { Alert } from './alert';
import type { AlertingRule } from './alerting-rule';
import type { Group, Rule } from './group';
import type { RecordingRule } from './recording-rule';
import { rfc3339 } from './time-format';

export interface RulesSource {
  groups(): readonly Group[];
}

export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

export function apiAlert(a: Alert): ApiAlert {
  // Key order follows Prometheus' Go struct (keepFiringSince before value).
  const out: Omit<ApiAlert, 'value'> & { value?: string } = {
    labels: a.labels, annotations: a.annotations, state: a.state, activeAt: rfc3339(a.activeAt),
  };
  if (a.keepFiringSince !== undefined) out.keepFiringSince = rfc3339(a.keepFiringSince);
  out.value = formatFloat(a.value, 'e', -1);
  return out as ApiAlert;
}

function alertingRuleJson(r: AlertingRule) {
  return {
    state: r.state(),
    name: r.name,
    query: r.expr,
    duration: r.holdDuration / 1000,
    keepFiringFor: r.keepFiringFor / 1000,
    labels: r.labels,
    annotations: r.annotations,
    alerts: r.activeAlerts().map(apiAlert),
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationTime,
    lastEvaluation: rfc3339(r.lastEvaluation),
    type: 'alerting',
  };
}

function recordingRuleJson(r: RecordingRule) {
  return {
    name: r.name,
    query: r.expr,
    ...(Object.keys(r.labels).length > 0 ? { labels: r.labels } : {}),
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationTime,
    lastEvaluation: rfc3339(r.lastEvaluation),
    type: 'recording',
  };
}

function queryList(req: Request, name: string): string[] {
  const q = req.query as Record<string, unknown>;
  const v = q[name] ?? q[`${name}[]`];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function badData(res: Response, message: string) {
  res.status(400).json({ status: 'error', errorType: 'bad_data', error: message });
}

export function rulesResponse(src: RulesSource, filter: {
  type?: string; ruleNames?: string[]; groups?: string[]; files?: string[];
} = {}) {
  const names = new Set(filter.ruleNames ?? []);
  const groupNames = new Set(filter.groups ?? []);
  const files = new Set(filter.files ?? []);
  const filtering = !!filter.type || names.size > 0;
  const out = [];
  for (const g of src.groups()) {
    if (groupNames.size > 0 && !groupNames.has(g.name)) continue;
    if (files.size > 0 && !files.has(g.file)) continue;
    const rules = g.rules.filter((r: Rule) => {
      if (filter.type === 'alert' && r.kind !== 'alert') return false;
      if (filter.type === 'record' && r.kind !== 'record') return false;
      return names.size === 0 || names.has(r.name);
    });
    if (filtering && rules.length === 0) continue;
    out.push({
      name: g.name,
      file: g.file,
      rules: rules.map((r) => (r.kind === 'alert' ? alertingRuleJson(r) : recordingRuleJson(r))),
      interval: g.interval / 1000,
      limit: g.limit,
      evaluationTime: g.evaluationTime,
      lastEvaluation: rfc3339(g.lastEvaluation),
    });
  }
  return { status: 'success', data: { groups: out } };
}

export function alertsResponse(src: RulesSource) {
  const alerts: ApiAlert[] = [];
  for (const g of src.groups()) {
    for (const r of g.alertingRules()) alerts.push(...r.activeAlerts().map(apiAlert));
  }
  return { status: 'success', data: { alerts } };
}

/** An express Router serving the two endpoints; mount it at the admin server's root. */
export function createRulesApiRouter(src: RulesSource): Router {
  const router = Router();
  router.get('/api/v1/rules', (req, res) => {
    const type = String((req.query as Record<string, unknown>).type ?? '').toLowerCase();
    if (type !== '' && type !== 'alert' && type !== 'record') {
      badData(res, `invalid parameter "type": not supported value ${JSON.stringify(type)}`);
      return;
    }
    res.json(rulesResponse(src, {
      type: type || undefined,
      ruleNames: queryList(req, 'rule_name'),
      groups: queryList(req, 'rule_group'),
      files: queryList(req, 'file'),
    }));
  });
  router.get('/api/v1/alerts', (_req, res) => {
    res.json(alertsResponse(src));
  });
  return router;
}
