import assert from 'node:assert/strict';
import { parseMetricsText } from '../../../agent/ui/lib/metrics-text';
import { ENABLE_HINTS, filelogRows, groupTargets, lastScrapeMs, probeRows, type ActiveTarget } from '../../../agent/ui/lib/targets';

const target = (pool: string, url: string, health: ActiveTarget['health'], lastScrape = '2026-12-02T10:00:00.000Z'): ActiveTarget => ({
  labels: { job: pool, instance: new URL(url).host }, scrapePool: pool, scrapeUrl: url, health,
  lastError: health === 'down' ? 'connect ECONNREFUSED' : '', lastScrape, lastScrapeDuration: 0.01,
});

describe('ui/targets', () => {
  it('groups scrape targets by pool, down ones first, and counts the up ones', () => {
    const pools = groupTargets([
      target('web', 'http://b:1/metrics', 'up'), target('app', 'http://a:1/metrics', 'up'),
      target('web', 'http://c:1/metrics', 'down'), target('web', 'http://a:1/metrics', 'up'),
    ]);
    assert.deepEqual(pools.map((p) => [p.pool, p.up, p.targets.map((t) => t.scrapeUrl)]), [
      ['app', 1, ['http://a:1/metrics']],
      ['web', 2, ['http://c:1/metrics', 'http://a:1/metrics', 'http://b:1/metrics']],
    ]);
    assert.deepEqual(groupTargets([]), []);
  });

  it('reads lastScrape, with Prometheus\' zero time as never', () => {
    assert.equal(lastScrapeMs(target('a', 'http://a:1/', 'up')), Date.parse('2026-12-02T10:00:00.000Z'));
    assert.equal(lastScrapeMs(target('a', 'http://a:1/', 'unknown', '0001-01-01T00:00:00Z')), undefined);
    assert.equal(lastScrapeMs(target('a', 'http://a:1/', 'unknown', '')), undefined);
  });

  it('joins probe_success, probe_duration_seconds and probe_http_status_code by job and instance, failures first', () => {
    const v = (job: string, instance: string, value: string) => ({ metric: { job, instance }, value: [0, value] as [number, string] });
    const rows = probeRows(
      [v('probes', 'http://ok/', '1'), v('probes', '127.0.0.1:5432', '0')],
      [v('probes', 'http://ok/', '0.02'), v('probes', '127.0.0.1:5432', '0.5')],
      [v('probes', 'http://ok/', '200')],
    );
    assert.deepEqual(rows, [
      { job: 'probes', instance: '127.0.0.1:5432', success: false, duration: 0.5 },
      { job: 'probes', instance: 'http://ok/', success: true, duration: 0.02, status: 200 },
    ]);
    assert.deepEqual(probeRows([], [], []), []);
  });

  it('reads one row per filelog receiver from its self-metrics; none without the receiver', () => {
    const s = parseMetricsText(`
lookout_filelog_files_tracked{receiver="filelog"} 2
lookout_filelog_records_total{receiver="filelog"} 120
lookout_filelog_bytes_read_total{receiver="filelog"} 4096
lookout_filelog_parse_errors_total{receiver="filelog",operator="json_parser0",stage="parse"} 3
lookout_filelog_parse_errors_total{receiver="filelog",operator="json_parser0",stage="timestamp"} 1
lookout_filelog_records_dropped_total{receiver="filelog",reason="on_error"} 2
lookout_store_series 5
`);
    assert.deepEqual(filelogRows(s), [{
      receiver: 'filelog', files: 2, records: 120, bytes: 4096, truncated: undefined, parseErrors: 4, dropped: 2,
      refusals: undefined, skipped: undefined, checkpointErrors: undefined,
    }]);
    assert.deepEqual(filelogRows(parseMetricsText('lookout_store_series 5')), []);
  });

  it('names the config key that turns each section on', () => {
    assert.match(ENABLE_HINTS.scrape, /receivers\.prometheus/);
    assert.match(ENABLE_HINTS.probes, /receivers\.probes/);
    assert.match(ENABLE_HINTS.filelog, /receivers\.filelog/);
  });
});
