import assert from 'node:assert/strict';
import { formatHash, paramsFromQueryState, parseHash, queryLink, queryStateFromParams, stepFor } from '../../../agent/ui/lib/url-state';

describe('ui/url-state', () => {
  it('round-trips a page and its parameters through the hash, PromQL characters included', () => {
    const expr = 'sum by (service_name) (rate(x{a="b", c=~"d|e"}[5m])) > 0.5 & 1';
    const hash = formatHash({ page: 'query', params: { expr, range: '1h', tab: 'graph' } });
    assert.match(hash, /^#\/query\?expr=/);
    assert.deepEqual(parseHash(hash), { page: 'query', params: { expr, range: '1h', tab: 'graph' } });
    assert.deepEqual(parseHash(''), { page: 'overview', params: {} });
    assert.deepEqual(parseHash('#/alerts'), { page: 'alerts', params: {} });
    assert.equal(formatHash({ page: 'alerts', params: { group: '' } }), '#/alerts', 'empty parameters are left out');
  });

  it('reads the query state with defaults for missing or bad values', () => {
    assert.deepEqual(queryStateFromParams({}), { expr: '', range: '1h', end: undefined, tab: 'graph' });
    assert.deepEqual(queryStateFromParams({ expr: 'up', range: 'bogus', tab: 'nope', end: 'not a time' }), { expr: 'up', range: '1h', end: undefined, tab: 'graph' });
    const s = queryStateFromParams({ expr: 'up', range: '6h', tab: 'table', end: '2026-12-02T10:00:00.000Z' });
    assert.deepEqual(s, { expr: 'up', range: '6h', end: Date.UTC(2026, 11, 2, 10), tab: 'table' });
    assert.deepEqual(queryStateFromParams(paramsFromQueryState(s)), s);
  });

  it('links an expression to the graph view, and picks a step for about 250 points', () => {
    assert.deepEqual(parseHash(queryLink('rate(a[1m])')), { page: 'query', params: { expr: 'rate(a[1m])', range: '1h', tab: 'graph' } });
    assert.equal(stepFor(3600), 14);
    assert.equal(stepFor(60), 1);
    assert.equal(stepFor(604800), 2419);
  });
});
