/**
 * A fast-check generator of PromQL expressions over the rnd_* series of the
 * random dataset: selectors, range functions, math, aggregations, binary
 * operators with matching, subqueries, nested a few levels deep. Operations
 * whose result order or tie-breaking is unspecified (sort, topk) are left out.
 */
import fc from 'fast-check';

const selector = fc.tuple(
  fc.constantFrom('rnd_counter', 'rnd_gauge'),
  fc.constantFrom('', '{grp="a"}', '{idx=~"[0-2]"}', '{idx!="3"}', '{grp!~"b"}'),
  fc.constantFrom('', '', ' offset 2m', ' offset -1m'),
).map(([name, m, off]) => `${name}${m}${off}`);

const rangeSel = fc.tuple(
  fc.constantFrom('rnd_counter', 'rnd_gauge'),
  fc.constantFrom('', '{grp="b"}', '{idx=~"[1-4]"}'),
  fc.constantFrom('30s', '1m', '2m', '5m', '10m'),
  fc.constantFrom('', '', ' offset 3m'),
).map(([name, m, r, off]) => `${name}${m}[${r}]${off}`);

const rangeFn = fc.constantFrom(
  'rate', 'increase', 'delta', 'irate', 'idelta', 'deriv', 'resets', 'changes', 'avg_over_time', 'min_over_time',
  'max_over_time', 'sum_over_time', 'count_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'present_over_time',
);

const scalarLit = fc.constantFrom('0', '1', '2', '0.5', '-3', '100');

export function randomExpression(): fc.Arbitrary<string> {
  const { vec } = fc.letrec<{ vec: string }>((tie) => ({
    vec: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: selector, weight: 3 },
      { arbitrary: fc.tuple(rangeFn, rangeSel).map(([f, r]) => `${f}(${r})`), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom('0.1', '0.5', '0.9'), rangeSel).map(([q, r]) => `quantile_over_time(${q}, ${r})`), weight: 1 },
      { arbitrary: fc.tuple(fc.constantFrom('abs', 'ceil', 'floor', 'sgn', 'round', 'sqrt', 'ln'), tie('vec')).map(([f, e]) => `${f}(${e})`), weight: 1 },
      { arbitrary: fc.tuple(tie('vec'), scalarLit, scalarLit).map(([e, a, b]) => `clamp(${e}, ${a}, ${b})`), weight: 1 },
      {
        arbitrary: fc.tuple(
          fc.constantFrom('sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group'),
          fc.constantFrom('', ' by (grp)', ' by (idx)', ' without (idx)', ' by (grp, idx)'),
          tie('vec'),
        ).map(([op, g, e]) => `${op}${g} (${e})`),
        weight: 2,
      },
      { arbitrary: fc.tuple(fc.constantFrom('0.25', '0.5', '0.99'), tie('vec')).map(([q, e]) => `quantile(${q}, ${e})`), weight: 1 },
      {
        arbitrary: fc.tuple(tie('vec'), fc.constantFrom('+', '-', '*', '/', '%', '^', '>', '<', '>=', '== bool', '!= bool', '> bool'), scalarLit)
          .map(([e, op, s]) => `(${e}) ${op} ${s}`),
        weight: 2,
      },
      {
        arbitrary: fc.tuple(scalarLit, fc.constantFrom('+', '-', '*', '/', '<', '>= bool'), tie('vec')).map(([s, op, e]) => `${s} ${op} (${e})`),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(
          tie('vec'),
          fc.constantFrom('+', '-', '*', '/', '>', '< bool', 'and', 'or', 'unless'),
          fc.constantFrom('', ' on (idx)', ' ignoring (grp)', ' on (grp, idx)', ' ignoring (__name__)'),
          tie('vec'),
        ).map(([l, op, m, r]) => `(${l}) ${op}${m} (${r})`),
        weight: 2,
      },
      {
        arbitrary: fc.tuple(fc.constantFrom('max_over_time', 'avg_over_time', 'rate', 'count_over_time'), tie('vec'), fc.constantFrom('5m:1m', '10m:', '3m:30s'))
          .map(([f, e, r]) => `${f}((${e})[${r}])`),
        weight: 1,
      },
      { arbitrary: tie('vec').map((e) => `-(${e})`), weight: 1 },
    ),
  }));
  return vec;
}
