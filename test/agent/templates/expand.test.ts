import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { AlertTemplate, checkAlertTemplate, expandAlertTemplate } from '../../../agent/templates';
import type { VectorSample } from '../../../agent/promql/types';
import { requirePromtool, runPromtool } from '../../compat/promtool/promtool-bin';

/**
 * Expected outputs in testdata/go-outputs.json are Prometheus' own (Go)
 * renderings, captured from `promtool test rules` 2.42 (the "cross-checks"
 * test below re-verifies the whole table against promtool when present).
 */
interface Case { template: string; value: string; expected: string }
const cases: Case[] = JSON.parse(readFileSync(path.join(__dirname, 'testdata', 'go-outputs.json'), 'utf8'));
const parseCases: { template: string; alert: string; expected: string | null }[] =
  JSON.parse(readFileSync(path.join(__dirname, 'testdata', 'go-parse-errors.json'), 'utf8'));

const num = (v: string) => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));
const LABELS = { __name__: 'm', job: 'x', instance: 'host:9090' };

function queryFor(value: number) {
  return (q: string): VectorSample[] => {
    if (q === 'm') return [{ metric: { __name__: 'm', instance: 'host:9090', job: 'x' }, t: 0, value }];
    if (q === 'empty') return [];
    throw new Error(`unexpected query ${q}`);
  };
}

function render(template: string, value: string): string {
  const v = num(value);
  return expandAlertTemplate('T', template, {
    labels: LABELS, externalLabels: { cluster: 'eu' }, externalURL: 'http://prom.example/prefix', value: v,
  }, { query: queryFor(v) });
}

describe('alert templates (Go text/template, Prometheus functions)', () => {
  it(`renders all ${cases.length} cases exactly as Prometheus does`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      const got = render(c.template, c.value);
      if (got !== c.expected) failures.push(`${JSON.stringify(c.template)} @ ${c.value}\n  want ${JSON.stringify(c.expected)}\n  got  ${JSON.stringify(got)}`);
    }
    assert.deepEqual(failures, []);
  });

  it('reports parse errors with Go\'s text', () => {
    for (const c of parseCases) {
      assert.equal(checkAlertTemplate(c.alert, c.template) ?? null, c.expected, c.template);
    }
  });

  it('renders a parse error in-band instead of throwing', () => {
    const out = expandAlertTemplate('X', '{{ nosuch }}', { labels: {}, externalLabels: {}, externalURL: '', value: 1 }, { query: () => [] });
    assert.equal(out, '<error expanding template: error parsing template __alert_X: template: __alert_X:1: function "nosuch" not defined>');
  });

  it('evaluates documented Prometheus examples', () => {
    const data = { labels: { instance: 'db1:9100', job: 'node' }, externalLabels: {}, externalURL: '', value: 0.123456 };
    const q = () => [
      { metric: { __name__: 'up', instance: 'b:1', job: 'node' }, t: 0, value: 1 },
      { metric: { __name__: 'up', instance: 'a:1', job: 'node' }, t: 0, value: 0 },
    ];
    const t = (s: string) => new AlertTemplate('A', s).expand(data, { query: q });
    assert.equal(t('{{ $labels.instance }} of job {{ $labels.job }} has been down'), 'db1:9100 of job node has been down');
    assert.equal(t('{{ $value | humanizePercentage }}'), '12.35%');
    assert.equal(t('{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }} {{ end }}'), 'a:1=0 b:1=1 ');
    assert.equal(t('{{ with query "up" }}{{ . | first | label "instance" }}{{ end }}'), 'b:1');
    assert.equal(t('{{- if gt $value 0.1 -}}  high  {{- else -}} low {{- end }}'), 'high');
    assert.equal(t('{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}'), 'db1');
  });

  it('runs query at the expansion, with the error of a failing query in the text', () => {
    let asked = '';
    const out = new AlertTemplate('A', '{{ query "bad(" }}').expand(
      { labels: {}, externalLabels: {}, externalURL: '', value: 0 },
      { query: (q) => { asked = q; throw new Error('1:5: parse error: unclosed left parenthesis'); } },
    );
    assert.equal(asked, 'bad(');
    assert.match(out, /at <query "bad\(">: error calling query: 1:5: parse error: unclosed left parenthesis>$/);
  });

  it('cross-checks the whole table against promtool', function () {
    this.timeout(120_000);
    const bin = requirePromtool(this);
    const dir = mkdtempSync(path.join(tmpdir(), 'lookout-tpl-'));
    try {
      // One promtool test group (its own store) per distinct value; each case is one annotation.
      const byValue = new Map<string, Case[]>();
      for (const c of cases) byValue.set(c.value, [...(byValue.get(c.value) ?? []), c]);
      const tests = [];
      const rules = [];
      let i = 0;
      for (const [value, list] of byValue) {
        const name = `T${i++}`;
        const ann: Record<string, string> = {};
        const exp: Record<string, string> = {};
        list.forEach((c, k) => {
          ann[`c${k}`] = c.template;
          exp[`c${k}`] = c.expected.replaceAll('__alert_T', `__alert_${name}`);
        });
        rules.push({ alert: name, expr: 'm', annotations: ann });
        tests.push({
          interval: '1m',
          external_labels: { cluster: 'eu' },
          external_url: 'http://prom.example/prefix',
          input_series: [
            { series: 'm{job="x",instance="host:9090"}', values: `${value} ${value}` },
          ],
          alert_rule_test: [{ eval_time: '1m', alertname: name, exp_alerts: [{ exp_labels: { job: 'x', instance: 'host:9090' }, exp_annotations: exp }] }],
        });
      }
      writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: [{ name: 'g', rules }] }));
      writeFileSync(path.join(dir, 'test.yaml'), stringify({ rule_files: ['rules.yaml'], tests }));
      const r = runPromtool(bin, ['test', 'rules', 'test.yaml'], dir);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
