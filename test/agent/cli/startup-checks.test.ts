import assert from 'node:assert/strict';
import { unroutedAlertsWarning } from '../../../agent/cli/startup-warnings';
import { parseConfigText } from '../../../agent/config/load';

describe('lookout run: start-up checks', () => {
  it('warns when rules exist and nothing routes their alerts; quiet otherwise', () => {
    const cfg = (y: string) => parseConfigText(y, 'test', {});
    assert.match(unroutedAlertsWarning(cfg('{}')) ?? '', /nothing routes their alerts.*alerting\.route/);
    assert.equal(unroutedAlertsWarning(cfg('rules: {default_pack: {enabled: false}}')), undefined, 'no rules');
    assert.equal(unroutedAlertsWarning(cfg('alerting: {alertmanagers: [{url: "http://am:9093"}]}')), undefined);
    assert.equal(unroutedAlertsWarning(cfg('alerting: {route: {receiver: x}, receivers: [{name: x, webhook_configs: [{url: "http://h/"}]}]}')), undefined);
  });
});
