/**
 * The transport-independent half of the receiver: validate a decoded
 * request, drop what is invalid, hand the rest to the next consumer and
 * count it. The HTTP and gRPC front ends only decode and answer.
 */
import type { Logger } from 'pino';
import type { Consumer } from '../../component/component';
import type { Signal, SignalData } from '../../otlp/model';
import type { PartialSuccess } from '../../otlp/codec';
import { countItems, formatItemCount } from '../../otlp/count';
import { validateRequest } from './validate';
import { classifyConsumerError, type ConsumerFailure } from './status';
import type { ReceiverTelemetry, Transport } from './telemetry';

/** The next consumer refused the data; `failure` says how to answer the sender. */
export class ConsumerRefusal extends Error {
  constructor(readonly failure: ConsumerFailure, readonly cause: unknown) {
    super(failure.message);
    this.name = 'ConsumerRefusal';
  }
}

/** Back-pressure can refuse every request for a while: one warning per signal per interval is enough. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

export class Ingest {
  private readonly lastRefusalLog = new Map<Signal, { at: number; suppressed: number }>();

  constructor(
    private readonly next: Consumer,
    private readonly telemetry: ReceiverTelemetry,
    private readonly logger: Logger,
  ) {}

  /**
   * Resolves with the partial success to report (rejected 0 when all was
   * accepted); rejects with ConsumerRefusal when the pipeline refused.
   */
  async export<S extends Signal>(signal: S, data: SignalData[S], transport: Transport): Promise<PartialSuccess> {
    const validation = validateRequest(signal, data);
    if (validation.errorMessage) {
      this.telemetry.recordRefused(signal, transport, validation.rejected);
      this.logger.debug({ signal, transport, rejected: validation.rejected, reason: validation.errorMessage }, 'dropped invalid items (partial success)');
    }
    const items = countItems(signal, data);
    if (items === 0) {
      // Nothing left to pass on (an empty request is a success per the OTLP specification).
      return { rejected: validation.rejected, errorMessage: validation.errorMessage };
    }
    try {
      await this.next.consume(signal, data);
    } catch (err) {
      const failure = classifyConsumerError(err);
      this.telemetry.recordRefused(signal, transport, items);
      this.logRefusal(signal, transport, items, failure, err);
      throw new ConsumerRefusal(failure, err);
    }
    this.telemetry.recordAccepted(signal, transport, items);
    return { rejected: validation.rejected, errorMessage: validation.errorMessage };
  }

  private logRefusal(signal: Signal, transport: Transport, items: number, failure: ConsumerFailure, err: unknown): void {
    if (failure.unexpected) {
      // Likely a bug: always worth a line with the stack.
      this.logger.error({ signal, transport, items, err }, `pipeline failed on ${formatItemCount(signal, items)}; the sender is asked to retry`);
      return;
    }
    const now = Date.now();
    const last = this.lastRefusalLog.get(signal);
    if (last && now - last.at < REFUSAL_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    this.lastRefusalLog.set(signal, { at: now, suppressed: 0 });
    this.logger.warn(
      { signal, transport, items, status: failure.httpStatus, err: (err as Error)?.message ?? String(err), suppressedSinceLastWarning: last?.suppressed ?? 0 },
      `pipeline refused ${formatItemCount(signal, items)} (further refusals of ${signal} are logged at most every ${REFUSAL_LOG_INTERVAL_MS / 1000} s; see lookout_receiver_refused_items)`,
    );
  }
}
