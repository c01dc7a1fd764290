import assert from 'node:assert/strict';
import { prometheusMetricName, sanitizeLabelName, sanitizeMetricName, unitSuffix } from '../../../../agent/translate/prometheus/names';

describe('translate/prometheus names', () => {
  it('sanitises metric and label names', () => {
    assert.equal(sanitizeMetricName('http.server.request.duration'), 'http_server_request_duration');
    assert.equal(sanitizeMetricName('2xx-count'), '_2xx_count');
    assert.equal(sanitizeMetricName('a..b__c'), 'a_b_c');
    assert.equal(sanitizeMetricName('ns:metric'), 'ns:metric');
    assert.equal(sanitizeLabelName('ns:key'), 'ns_key');
    assert.equal(sanitizeLabelName('http.route'), 'http_route');
    assert.equal(sanitizeLabelName('0day'), '_0day');
  });

  it('maps units to suffix words', () => {
    assert.equal(unitSuffix('s', 'histogram'), 'seconds');
    assert.equal(unitSuffix('ms', 'histogram'), 'milliseconds');
    assert.equal(unitSuffix('By', 'gauge'), 'bytes');
    assert.equal(unitSuffix('KiBy', 'gauge'), 'kibibytes');
    assert.equal(unitSuffix('By/s', 'gauge'), 'bytes_per_second');
    assert.equal(unitSuffix('{request}/s', 'counter'), 'per_second');
    assert.equal(unitSuffix('{request}', 'counter'), '');
    assert.equal(unitSuffix('1', 'gauge'), 'ratio');
    assert.equal(unitSuffix('1', 'counter'), '');
    assert.equal(unitSuffix('', 'gauge'), '');
    assert.equal(unitSuffix('widgets', 'gauge'), 'widgets');
  });

  it('builds family names with unit and _total, without doubling suffixes', () => {
    assert.equal(prometheusMetricName('http.server.request.duration', 's', 'histogram'), 'http_server_request_duration_seconds');
    assert.equal(prometheusMetricName('process.runtime.duration_seconds', 's', 'histogram'), 'process_runtime_duration_seconds');
    assert.equal(prometheusMetricName('http.requests', '{request}', 'counter'), 'http_requests_total');
    assert.equal(prometheusMetricName('http.requests.total', '1', 'counter'), 'http_requests_total');
    assert.equal(prometheusMetricName('bytes.sent', 'By', 'counter'), 'bytes_sent_bytes_total');
    assert.equal(prometheusMetricName('net.io_total', 'By', 'counter'), 'net_io_bytes_total');
    assert.equal(prometheusMetricName('cpu.utilization', '1', 'gauge'), 'cpu_utilization_ratio');
    assert.equal(prometheusMetricName('queue.size', '{item}', 'gauge'), 'queue_size');
    assert.equal(prometheusMetricName('transfer.rate', 'By/s', 'gauge'), 'transfer_rate_bytes_per_second');
  });
});
