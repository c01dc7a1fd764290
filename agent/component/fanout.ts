/**
 * Fans one signal out to several consumers (exporter, connectors, store),
 * admitting the data before anyone counts it:
 *
 *  1. consumers that may refuse (an exporter whose queue can be full; any
 *     consumer that does not declare `neverRefuses`) are offered the data
 *     first, together;
 *  2. only when all of them accepted is it handed to the local consumers
 *     that declared `neverRefuses` (spanmetrics, logmetrics, metrics->store).
 *
 * So data the sender is told to retry (503) is seen by no local consumer,
 * and a retried request is counted exactly once: the request that is
 * finally accepted. With two refusing consumers where one accepts and one
 * refuses, the accepting one keeps its copy (there is no rollback), as in
 * the Collector's fan-out.
 */
import type { Consumer } from './component';
import type { Signal, SignalData } from '../otlp/model';

export class FanoutConsumer implements Consumer {
  /** Holds the caller's array: consumers subscribed later are seen. */
  constructor(private readonly consumers: Consumer[]) {}

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    const all = this.consumers;
    if (all.length === 1) return all[0].consume(signal, data);
    const gatekeepers = all.filter((c) => !c.neverRefuses);
    const local = all.filter((c) => c.neverRefuses);
    await settleAll(gatekeepers, signal, data);
    await settleAll(local, signal, data);
  }
}

/** Every consumer is tried; the first failure is rethrown after all settled. */
async function settleAll<S extends Signal>(consumers: Consumer[], signal: S, data: SignalData[S]): Promise<void> {
  if (consumers.length === 0) return;
  if (consumers.length === 1) return consumers[0].consume(signal, data);
  const results = await Promise.allSettled(consumers.map((c) => c.consume(signal, data)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
