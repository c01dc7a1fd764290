/** receivers.filelog config: every testdata file through the real loader. */
import assert from 'node:assert/strict';
import type { FilelogConfig } from '../../../../agent/receivers/filelog/config';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../helpers/repo';
import { loadReceiver, receiverProblems } from '../config-files';

describe('receivers.filelog config', () => {
  it('testdata holds good and bad files, and the test covers each', () => {
    assert.deepEqual(readdirSync(path.join(repoRoot, 'agent/receivers/filelog/testdata')).sort(), [
      'bad-typo.yaml', 'bad-values.yaml', 'defaults.yaml', 'full.yaml',
    ]);
  });

  it('defaults.yaml: every default', () => {
    assert.deepEqual((loadReceiver('filelog', 'defaults.yaml') as { filelog?: FilelogConfig }).filelog, {
      include: ['/var/log/app/*.log'], exclude: [], start_at: 'end', poll_interval: 200, max_log_size: 1048576, max_batch: 1000,
      max_concurrent_files: 1024, fingerprint_size: 1000, force_flush_period: 500, operators: [],
      include_file_name: true, include_file_path: false, attributes: {}, resource: {},
    });
  });

  it('full.yaml: every key is read; sizes and durations are converted', () => {
    const f = (loadReceiver('filelog', 'full.yaml') as { filelog?: FilelogConfig }).filelog!;
    assert.equal(f.start_at, 'beginning');
    assert.equal(f.poll_interval, 1000);
    assert.equal(f.max_log_size, 65536);
    assert.equal(f.fingerprint_size, 2048);
    assert.equal(f.force_flush_period, 2000);
    assert.equal(f.max_batch, 200);
    assert.equal(f.max_concurrent_files, 16);
    assert.equal(f.multiline?.line_start_pattern, '^\\{|^\\d{4}-\\d{2}-\\d{2}');
    assert.deepEqual(f.operators[0], {
      type: 'json_parser', id: 'json', parse_from: 'body', on_error: 'send',
      timestamp: { parse_from: 'attributes.time', layout_type: 'strptime', layout: '%Y-%m-%dT%H:%M:%S.%f%z' },
      severity: { parse_from: 'attributes.level' },
      trace: { trace_id: { parse_from: 'attributes.trace_id' }, span_id: { parse_from: 'attributes.span_id' }, trace_flags: { parse_from: 'attributes.trace_flags' } },
    });
    assert.equal(f.operators[1].type, 'regex_parser');
    assert.equal(f.operators[1].on_error, 'drop');
    assert.deepEqual(f.resource, { 'service.name': 'py-app', 'service.namespace': 'shop' });
    assert.equal(f.include_file_path, true);
  });

  it('bad-typo.yaml: unknown keys are named, with the key meant', () => {
    const p = receiverProblems('filelog', 'bad-typo.yaml');
    assert.ok(p.some((x) => x.startsWith('receivers.filelog.includes: unknown key (did you mean "include"?)')), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('receivers.filelog.startAt: unknown key (did you mean "start_at"?)')), p.join('\n'));
    assert.ok(p.includes('receivers.filelog.operators.0.pattern: unknown key'), p.join('\n'));
  });

  it('bad-values.yaml: each wrong value is reported at its key', () => {
    assert.deepEqual(receiverProblems('filelog', 'bad-values.yaml'), [
      'receivers.filelog.include: Too small: expected array to have >=1 items',
      'receivers.filelog.start_at: Invalid option: expected one of "end"|"beginning"',
      'receivers.filelog.poll_interval: not a valid duration string: "soon" (use e.g. 30s, 5m, 1h30m)',
      'receivers.filelog.max_log_size: invalid byte size "1 lightyear" (e.g. 1048576, "64KiB", "1MiB")',
      'receivers.filelog.max_batch: Too small: expected number to be >=1',
      'receivers.filelog.fingerprint_size: must be at least 16 bytes, got 8',
      'receivers.filelog.multiline.line_start_pattern: error parsing regexp: missing closing ): `(unclosed`',
      'receivers.filelog.operators.0.regex: regex needs at least one named group, e.g. (?P<level>\\w+)',
      'receivers.filelog.operators.1.timestamp.parse_from: must be "body" or "attributes.<key>"',
      'receivers.filelog.operators.1.timestamp.layout: unsupported strptime directive %Q (supported: %Y %m %d %H %M %S %L %f %z %Z %b %T %F %y %j %s %%)',
      'receivers.filelog.operators.2.timestamp.layout: epoch layout must be one of s, ms, us, ns, s.ms, s.us, s.ns',
      'receivers.filelog.operators.3.type: type must be json_parser or regex_parser',
    ]);
  });
});
