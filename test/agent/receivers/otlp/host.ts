/**
 * Starts the OTLP receiver directly in tests with the shared fake Host
 * (test/helpers/test-host.ts) and a recording consumer.
 */
import type { Host } from '../../../../agent/component/component';
import { otlpReceiverConfigSchema, OtlpReceiver, type OtlpReceiverOptions } from '../../../../agent/receivers/otlp';
import { RecordingConsumer, testHost, type TestHost } from '../../../helpers/test-host';

export { capturingLogger, counterValue, RecordingConsumer, testHost, type Received, type TestHost } from '../../../helpers/test-host';

export interface RunningReceiver {
  receiver: OtlpReceiver;
  host: TestHost;
  consumer: RecordingConsumer;
  /** http://127.0.0.1:port */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts an OtlpReceiver on an ephemeral loopback port with a recording
 * consumer. back_pressure_hold is 0 unless given: tests script the
 * consumer's answer per request (back-pressure-hold.test.ts tests the hold).
 */
export async function startReceiver(config: Record<string, unknown> = {}, opts: OtlpReceiverOptions = {}, hostOverrides: Partial<Host> = {}): Promise<RunningReceiver> {
  const parsed = otlpReceiverConfigSchema.parse({ http: { endpoint: '127.0.0.1:0' }, back_pressure_hold: '0s', ...config });
  const consumer = new RecordingConsumer();
  const receiver = new OtlpReceiver(parsed, consumer, opts);
  const host = testHost(hostOverrides);
  await receiver.start(host);
  return {
    receiver,
    host,
    consumer,
    url: receiver.httpUrl ?? '',
    async stop() {
      await receiver.shutdown();
      await host.cleanup();
    },
  };
}
