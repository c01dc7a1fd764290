/**
 * A real RuleManager feeding a real Notifier (webhook to a Recorder) on one
 * host storage dir, driven by one manual time: rules tests that assert what
 * reaches a receiver (restarts, flap damping). The rule file is
 * `node.rules.yaml` in the host's storage dir.
 */
import { Notifier } from '../../../agent/alerting/notifier';
import type { QueryFunc } from '../../../agent/promql/types';
import { rulesConfigSchema } from '../../../agent/rules/config';
import { RuleManager } from '../../../agent/rules/manager';
import { FakeClock } from '../alerting/fake-clock';
import { alertingConfig, FAST_DELIVERY } from '../alerting/harness';
import type { TestHost } from './host';
import { ManualClock } from './manual-clock';

export function rulesAndNotifier(host: TestHost, receiverUrl: string, query: QueryFunc, t: number, route = 'group_wait: 10s\n  group_interval: 1m') {
  const rclock = new ManualClock(t);
  const nclock = new FakeClock(t);
  const notifier = new Notifier(alertingConfig(`route:
  receiver: hook
  group_by: [alertname]
  ${route}
receivers:
  - name: hook
    webhook_configs: [{url: "${receiverUrl}/hook"}]
`), { now: nclock.now, timers: nclock, delivery: FAST_DELIVERY });
  const config = rulesConfigSchema.parse({ files: ['node.rules.yaml'], default_pack: { enabled: false } });
  const rules = new RuleManager({ config, baseDir: host.storageDir, query, clock: rclock, mountApi: false, sink: notifier });
  return {
    notifier, rules, rclock, nclock,
    async start() { await notifier.start(host); await rules.start(host); },
    /** Moves both clocks to `to` in steps of 10 s, letting deliveries finish at each step. */
    async advanceTo(to: number) {
      for (let t = Math.min(rclock.now() + 10_000, to); ; t = Math.min(t + 10_000, to)) {
        await rclock.advanceTo(t);
        nclock.advance(t - nclock.t);
        await notifier.settled();
        if (t >= to) break;
      }
    },
    async stop() { await rules.shutdown(); await notifier.shutdown(); },
  };
}
