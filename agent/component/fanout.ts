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
 *
 * Data ownership: a consumer that declares `mutatesData` gets its own deep
 * copy whenever the data goes to more than one consumer, so no branch sees
 * another's changes (the Collector's fan-out clones for mutating consumers
 * too). The others share the one object and must not change it.
 */
import type { Consumer } from './component';
import type { Signal, SignalData } from '../otlp/model';
import { cloneSignalData } from './clone';

export class FanoutConsumer implements Consumer {
  /** Holds the caller's array: consumers subscribed later are seen. */
  constructor(private readonly consumers: Consumer[]) {}

  /** A single consumer gets the caller's object as it is; several never change it. */
  get mutatesData(): boolean {
    return this.consumers.length === 1 && Boolean(this.consumers[0].mutatesData);
  }

  /** Local when every consumer is (a fan-out to local consumers only never refuses). */
  get neverRefuses(): boolean {
    return this.consumers.length > 0 && this.consumers.every((c) => c.neverRefuses);
  }

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
  // Copies are made before any consumer runs: a consumer may change its data synchronously.
  const inputs = consumers.map((c) => (c.mutatesData ? cloneSignalData(signal, data) : data));
  const results = await Promise.allSettled(consumers.map((c, i) => c.consume(signal, inputs[i])));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
