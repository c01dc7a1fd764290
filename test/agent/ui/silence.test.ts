import assert from 'node:assert/strict';
import { buildSilence, draftFromAlert, matchersFromLabels, matcherText } from '../../../agent/ui/lib/silence';

describe('ui/silence', () => {
  const labels = { severity: 'critical', service_name: 'demo-app', alertname: 'DemoErrorRatioHigh' };

  it('pre-fills one equality matcher per alert label, alertname first', () => {
    assert.deepEqual(matchersFromLabels(labels), [
      { name: 'alertname', value: 'DemoErrorRatioHigh', isRegex: false, isEqual: true, enabled: true },
      { name: 'service_name', value: 'demo-app', isRegex: false, isEqual: true, enabled: true },
      { name: 'severity', value: 'critical', isRegex: false, isEqual: true, enabled: true },
    ]);
  });

  it('builds the POST /api/v2/silences body from the enabled matchers and the duration', () => {
    const draft = draftFromAlert(labels, 'oncall');
    draft.matchers[2].enabled = false;
    draft.comment = ' deploy in progress ';
    draft.duration = '1h30m';
    const now = Date.UTC(2026, 11, 2, 10, 0, 0);
    assert.deepEqual(buildSilence(draft, now), {
      matchers: [
        { name: 'alertname', value: 'DemoErrorRatioHigh', isRegex: false, isEqual: true },
        { name: 'service_name', value: 'demo-app', isRegex: false, isEqual: true },
      ],
      startsAt: '2026-12-02T10:00:00.000Z',
      endsAt: '2026-12-02T11:30:00.000Z',
      createdBy: 'oncall',
      comment: 'deploy in progress',
    });
  });

  it('says which field is wrong before the API does', () => {
    const ok = () => ({ ...draftFromAlert(labels, 'me'), comment: 'why' });
    assert.throws(() => buildSilence({ ...ok(), matchers: ok().matchers.map((m) => ({ ...m, enabled: false })) }, 0), /^Error: matchers: keep at least one/);
    assert.throws(() => buildSilence({ ...ok(), duration: 'soon' }, 0), /^Error: duration: "soon" is not a duration/);
    assert.throws(() => buildSilence({ ...ok(), comment: ' ' }, 0), /^Error: comment: required/);
    assert.throws(() => buildSilence({ ...ok(), createdBy: '' }, 0), /^Error: created by: required/);
    const emptyValue = ok();
    emptyValue.matchers[1].value = '';
    assert.throws(() => buildSilence(emptyValue, 0), /service_name has an empty value/);
  });

  it('prints matchers with all four operators', () => {
    assert.equal(matcherText({ name: 'a', value: 'x"y', isEqual: true, isRegex: false }), 'a="x\\"y"');
    assert.equal(matcherText({ name: 'a', value: 'x.*', isEqual: true, isRegex: true }), 'a=~"x.*"');
    assert.equal(matcherText({ name: 'a', value: 'x', isEqual: false, isRegex: false }), 'a!="x"');
    assert.equal(matcherText({ name: 'a', value: 'x', isEqual: false, isRegex: true }), 'a!~"x"');
  });
});
