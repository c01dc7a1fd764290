import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, parseRuleFile } from '../../../agent/rules/rulefmt';
import { repoRoot } from '../../helpers/repo';

const testdata = path.join(repoRoot, 'agent', 'rules', 'testdata');
const parse = (name: string) => parseRuleFile(name, readFileSync(path.join(testdata, name), 'utf8'));

describe('Prometheus rule files', () => {
  it('loads every key of a valid file', () => {
    const { groups, problems } = parse('good.rules.yaml');
    assert.deepEqual(problems, []);
    assert.equal(groups.length, 2);
    const [api, offset] = groups;
    assert.equal(api.interval, 30_000);
    assert.equal(api.limit, 100);
    assert.deepEqual(api.rules[0], {
      kind: 'record', name: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))',
      for: 0, keepFiringFor: 0, labels: { source: 'recording' }, annotations: {},
    });
    assert.equal(api.rules[1].for, 300_000);
    assert.equal(api.rules[1].keepFiringFor, 600_000);
    assert.equal(offset.queryOffset, 60_000);
    assert.equal(offset.interval, undefined);
  });

  it('reports each problem with file, position, group, rule and key', () => {
    const lines = parse('bad.rules.yaml').problems.map(formatProblem);
    const expected = [
      'bad.rules.yaml: 4:15: group "broken": interval: not a valid duration string: "soon" (use e.g. 30s, 5m, 1h30m)',
      'bad.rules.yaml: 7:15: group "broken", rule 1, "BadExpr": expr: could not parse expression: 1:16: parse error: unexpected end of input',
      'bad.rules.yaml: 8:17: group "broken", rule 2, "bad name": invalid field \'for\' in recording rule',
      'bad.rules.yaml: 8:17: group "broken", rule 2, "bad name": invalid recording rule name: bad name',
      'bad.rules.yaml: group "broken", rule 3, "BadTemplate": annotation "summary": template: __alert_BadTemplate:1: unexpected "}" in operand',
      'bad.rules.yaml: 18:11: group "broken", rule 4, "BadLabel": labels: invalid label name: __name__',
      'bad.rules.yaml: 18:11: group "broken", rule 4, "BadLabel": labels: invalid label name: 0bad',
      'bad.rules.yaml: 20:9: group "broken", rule 5, "": one of \'record\' or \'alert\' must be set',
      'bad.rules.yaml: 21:17: group "broken", rule 6, "r": only one of \'record\' and \'alert\' must be set',
      'bad.rules.yaml: 24:5: groupname: "broken" is repeated in the same file',
    ];
    assert.deepEqual(lines, expected);
  });

  it('names an unknown key and the allowed ones', () => {
    const lines = parse('typo.rules.yaml').problems.map(formatProblem);
    assert.deepEqual(lines, [
      'typo.rules.yaml: 6:9: group "typo", rule 1, "Typo": unknown field "exprs" (allowed: record, alert, expr, for, keep_firing_for, labels, annotations, damping)',
      'typo.rules.yaml: 5:9: group "typo", rule 1, "Typo": expr: field \'expr\' must be set in rule',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const { problems } = parseRuleFile('x.yaml', 'groups: [\n');
    assert.equal(problems.length > 0, true);
    assert.match(formatProblem(problems[0]), /^x\.yaml: \d+:\d+: YAML: /);
  });

  it('accepts an empty file and keeps numeric-looking values as written', () => {
    assert.deepEqual(parseRuleFile('e.yaml', ''), { groups: [], problems: [] });
    const { groups } = parseRuleFile('n.yaml', 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 1.50\n    labels: { n: 007 }\n');
    assert.equal(groups[0].rules[0].expr, '1.50');
    assert.equal(groups[0].rules[0].labels.n, '007');
  });
});
