/**
 * Go's strconv.Quote (agent/format/goquote.ts) against the real Alertmanager
 * 0.25: it quotes label values with it in group keys ({}:{alertname="x",
 * v="..."}, carried by webhooks and the notification log) and in templates'
 * printf "%q". Label values with every kind of character Go escapes
 * differently are grouped by Alertmanager; Lookout's groupKey and goQuote
 * must give the same text for each.
 */
import assert from 'node:assert/strict';
import { groupKey } from '../../../agent/alerting/key';
import { goQuote } from '../../../agent/format/goquote';
import { Recorder } from '../../agent/notify/recorder';
import { waitFor } from '../../helpers/wait';
import { AlertmanagerServer, requireAlertmanager } from './alertmanager-server';

const VALUES = [
  'plain', 'quote " backslash \\ apostrophe \'',
  '\x07\b\f\v\n\r\t', '\x01\x1f\x7f',
  '\u0085\u009f C1', '\u00a0 no-break space', 'soft\u00adhyphen', '\u2028\u2029 separators', '\u2003em \u3000ideographic',
  'zero\u200bwidth \u200e mark \ufeff bom', '\ue000 private use', '\u{f0000} plane 15', '\u{10ffff} noncharacter', '\u0378 unassigned',
  'ü✓日本 😀 ™ ½ ́combining',
];

describe('Go quoting (group keys, %q) against the real Alertmanager 0.25', function () {
  this.timeout(60_000);
  let am: AlertmanagerServer | undefined;
  let sink: Recorder;

  before(async function () {
    const bins = requireAlertmanager(this);
    sink = await new Recorder().start();
    am = await AlertmanagerServer.start(bins, `route:
  receiver: r
  group_by: [alertname, v]
  group_wait: 0s
  group_interval: 1h
  repeat_interval: 1h
receivers:
  - name: r
    webhook_configs: [{url: '${sink.url}/webhook'}]
    slack_configs: [{api_url: '${sink.url}/slack', channel: '#c', title: '{{ printf "%q" .CommonLabels.v }}'}]
`);
    await am.postAlerts(VALUES.map((v) => ({ labels: { alertname: 'Quote', v }, startsAt: new Date().toISOString() })));
    await waitFor(() => sink.requests.filter((r) => r.path === '/webhook').length >= VALUES.length
      && sink.requests.filter((r) => r.path === '/slack').length >= VALUES.length, { timeoutMs: 20_000, what: 'a notification per value' });
  });
  after(async () => {
    await am?.stop();
    await sink?.stop();
  });

  it('group keys: Lookout prints every label value as Alertmanager does', () => {
    const theirs = new Map<string, string>();
    for (const r of sink.requests.filter((x) => x.path === '/webhook')) theirs.set(r.body.groupLabels.v, r.body.groupKey);
    for (const v of VALUES) assert.equal(groupKey('{}', { alertname: 'Quote', v }), theirs.get(v), JSON.stringify(v));
  });

  it('printf "%q" in a template: Go\'s strconv.Quote of every value', () => {
    const titles = sink.requests.filter((x) => x.path === '/slack').map((r) => r.body.attachments[0].title as string);
    for (const v of VALUES) assert.ok(titles.includes(goQuote(v)), `${goQuote(v)} not among Alertmanager's: ${titles.join(' ')}`);
  });
});
