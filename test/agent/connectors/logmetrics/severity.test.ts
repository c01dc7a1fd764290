import assert from 'node:assert/strict';
import { severityName, severityNumberOf } from '../../../../agent/connectors/logmetrics/severity';

describe('logmetrics severity ranges', () => {
  it('maps severity numbers 1-24 onto the six OTel ranges', () => {
    const names = Array.from({ length: 24 }, (_, i) => severityName(i + 1, undefined));
    assert.deepEqual(names, [
      ...Array(4).fill('TRACE'), ...Array(4).fill('DEBUG'), ...Array(4).fill('INFO'),
      ...Array(4).fill('WARN'), ...Array(4).fill('ERROR'), ...Array(4).fill('FATAL'),
    ]);
  });

  it('falls back to the severity text when the number is unset, else UNSPECIFIED', () => {
    assert.equal(severityName(0, 'Warning'), 'WARN');
    assert.equal(severityName(undefined, 'critical'), 'FATAL');
    assert.equal(severityName(0, 'err'), 'ERROR');
    assert.equal(severityName(0, 'chatty'), 'UNSPECIFIED');
    assert.equal(severityName(0, undefined), 'UNSPECIFIED');
    assert.equal(severityNumberOf(0, 'error'), 17);
    assert.equal(severityNumberOf(30, undefined), 0, 'out of range numbers are unknown');
    assert.equal(severityName(10, 'ERROR'), 'INFO', 'the number wins over the text');
  });
});
