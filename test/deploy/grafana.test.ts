/**
 * The shipped Grafana dashboard queries the sidecar (or a central Prometheus)
 * with metric names Lookout produces: every panel must be valid PromQL and
 * return data from a store fed by the spanmetrics connector.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseExpr } from '../../agent/promql/parse';
import { createEngine } from '../../agent/promql';
import { MemoryStore } from '../../agent/store';
import { repoRoot } from '../helpers/repo';

interface Panel { title: string; targets: { expr: string }[] }

const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'deploy/grafana/dashboards/lookout-red.json'), 'utf8')) as { panels: Panel[] };
const concrete = (expr: string) => expr.replace(/\$__rate_interval/g, '1m').replace(/\$service/g, '.*');

describe('Grafana dashboard (deploy/grafana)', () => {
  for (const panel of dashboard.panels) {
    it(`"${panel.title}" is valid PromQL`, () => {
      for (const t of panel.targets) assert.doesNotThrow(() => parseExpr(concrete(t.expr)), t.expr);
    });
  }

  it('the RED panels answer from span-derived series', () => {
    const store = new MemoryStore();
    const base = { __name__: 'traces_span_metrics_calls_total', service_name: 'shop', span_name: 'GET /', span_kind: 'SPAN_KIND_SERVER' };
    const t0 = 1_700_000_000_000;
    for (let i = 0; i <= 10; i++) {
      store.append({ ...base, status_code: 'STATUS_CODE_UNSET' }, t0 + i * 10_000, i * 10);
      store.append({ ...base, status_code: 'STATUS_CODE_ERROR' }, t0 + i * 10_000, i);
    }
    const engine = createEngine(store);
    const rate = dashboard.panels.find((p) => p.title === 'Request rate')!;
    const errors = dashboard.panels.find((p) => p.title === 'Error ratio')!;
    const at = t0 + 100_000;
    const r = engine.instantQuery(concrete(rate.targets[0].expr), at);
    assert.equal(r.resultType, 'vector');
    assert.ok(r.resultType === 'vector' && r.result.length === 1 && r.result[0].value > 0);
    const e = engine.instantQuery(concrete(errors.targets[0].expr), at);
    assert.ok(e.resultType === 'vector' && Math.abs(e.result[0].value - 1 / 11) < 1e-9, JSON.stringify(e));
  });
});
