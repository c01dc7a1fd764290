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
import { attachRawBytes } from '../../otlp/raw';
import { undecodedBytesOf } from '../../otlp/lazy';
import { validateRequest, type ValidationResult } from './validate';
import { classifyConsumerError, GrpcCode, type ConsumerFailure } from './status';
import type { OtlpLimitsConfig } from './config';
import type { MemoryLimiter } from './memory-limiter';
import type { GrowingRetryAfter } from './retry-after';
import type { ReceiverTelemetry, Transport } from './telemetry';

/** The next consumer refused the data; `failure` says how to answer the sender. */
export class ConsumerRefusal extends Error {
  constructor(readonly failure: ConsumerFailure, readonly cause: unknown) {
    super(failure.message);
    this.name = 'ConsumerRefusal';
  }
}

/** What guards the pipeline besides per-item validation (all optional, for tests). */
export interface IngestGuards {
  limits?: OtlpLimitsConfig;
  memoryLimiter?: MemoryLimiter;
  retryAfter?: GrowingRetryAfter;
  /** receivers.otlp.back_pressure_hold: refuse unread this long after a back-pressure refusal; 0/absent: never. */
  backPressureHoldMs?: number;
}

const ALL_VALID: ValidationResult = { rejected: 0, errorMessage: '' };

/** Back-pressure can refuse every request for a while: one warning per signal per interval is enough. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

export class Ingest {
  private readonly lastRefusalLog = new Map<Signal, { at: number; suppressed: number }>();
  /** The last back-pressure refusal per signal: when, and what the sender was told. */
  private readonly backPressure = new Map<Signal, { at: number; failure: ConsumerFailure }>();

  constructor(
    private readonly next: Consumer,
    private readonly telemetry: ReceiverTelemetry,
    private readonly logger: Logger,
    private readonly guards: IngestGuards = {},
  ) {
    telemetry.retryAfterSeconds = () => guards.retryAfter?.seconds ?? 0;
  }

  /**
   * Checked before a request's body is read: a refusal while the memory
   * limiter is over its soft limit (HTTP 503 / gRPC RESOURCE_EXHAUSTED with a
   * growing Retry-After), undefined when the request may proceed.
   */
  admit(signal: Signal, transport: Transport): ConsumerFailure | undefined {
    const held = this.heldBack(signal, transport);
    if (held) return held;
    const limiter = this.guards.memoryLimiter;
    if (!limiter?.refusing) return undefined;
    this.telemetry.recordMemoryLimited(signal, transport);
    const retryAfterSeconds = this.guards.retryAfter?.next() ?? 1;
    const usedMiB = Math.round(limiter.usedBytes / 1048576);
    const softMiB = Math.round(limiter.limits.softBytes / 1048576);
    this.logLimited({ signal, transport, rss_mib: usedMiB, soft_limit_mib: softMiB, retry_after_seconds: retryAfterSeconds },
      'memory limiter: RSS over the soft limit, refusing requests unread (see lookout_receiver_memory_limited_requests)');
    return {
      httpStatus: 503,
      grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
      message: limiter.reason === 'heap'
        ? `the agent's V8 heap is over receivers.otlp.memory_limiter.heap_limit_percentage of its limit: data not accepted now, retry later`
        : `the agent is over its memory limit (RSS ${usedMiB} MiB, soft limit ${softMiB} MiB; receivers.otlp.memory_limiter): data not accepted now, retry later`,
      retryAfterSeconds,
      unexpected: false,
    };
  }

  /**
   * Within back_pressure_hold of the pipeline refusing this signal (its
   * exporter's queue full), the next requests would be refused too: they are
   * refused unread, so an overload costs no decoding. The first request after
   * the hold is decoded and tried again.
   */
  private heldBack(signal: Signal, transport: Transport): ConsumerFailure | undefined {
    const last = this.backPressure.get(signal);
    const hold = this.guards.backPressureHoldMs ?? 0;
    if (!last || hold <= 0) return undefined;
    if (Date.now() - last.at >= hold) {
      this.backPressure.delete(signal);
      return undefined;
    }
    this.telemetry.recordBackPressureRefused(signal, transport);
    // Logged with the refusals: counted into the next warning's suppressedSinceLastWarning.
    const logged = this.lastRefusalLog.get(signal);
    if (logged) logged.suppressed++;
    const retryAfterSeconds = Math.max(last.failure.retryAfterSeconds ?? 1, this.guards.retryAfter?.seconds ?? 0);
    return { ...last.failure, retryAfterSeconds };
  }

  /**
   * Resolves with the partial success to report (rejected 0 when all was
   * accepted); rejects with ConsumerRefusal when the pipeline refused.
   * `received`: the protobuf bytes `data` was decoded from, forwarded as
   * they are when nothing changes the request (agent/otlp/raw.ts).
   */
  async export<S extends Signal>(signal: S, data: SignalData[S], transport: Transport, received?: Uint8Array): Promise<PartialSuccess> {
    const limits = this.guards.limits;
    // A request still undecoded was scanned with every item valid (agent/otlp/lazy.ts): validating would decode it for nothing.
    const validation = undecodedBytesOf(data) ? ALL_VALID : validateRequest(signal, data, limits && {
      nowMs: Date.now(), maxFutureMs: limits.max_future, maxHistogramBuckets: limits.max_histogram_buckets,
    });
    if (validation.errorMessage) {
      this.telemetry.recordRefused(signal, transport, validation.rejected);
      for (const [reason, n] of validation.byReason ?? []) this.telemetry.recordRejected(signal, transport, reason, n);
      if (validation.byReason && [...validation.byReason.keys()].some((r) => r !== 'invalid')) {
        this.logLimited({ signal, transport, rejected: validation.rejected, reason: validation.errorMessage.slice(0, 1000) },
          'dropped items over receivers.otlp.limits (partial success; see lookout_receiver_rejected_items)');
      }
      this.logger.debug({ signal, transport, rejected: validation.rejected, reason: validation.errorMessage }, 'dropped invalid items (partial success)');
    }
    // Validation removed nothing (an error message names every removal): the bytes still say what data says.
    if (received && !validation.errorMessage) attachRawBytes(data, received);
    const items = countItems(signal, data);
    if (items === 0) {
      // Nothing left to pass on (an empty request is a success per the OTLP specification).
      return { rejected: validation.rejected, errorMessage: validation.errorMessage };
    }
    try {
      await this.next.consume(signal, data);
    } catch (err) {
      const failure = classifyConsumerError(err);
      if (failure.retryAfterSeconds !== undefined && this.guards.retryAfter) {
        // Back-pressure that goes on asks senders to wait longer and longer.
        failure.retryAfterSeconds = Math.max(failure.retryAfterSeconds, this.guards.retryAfter.next());
      }
      // Back-pressure (retry later), not a bug or a permanent refusal: the next requests are likely refused too.
      if (failure.retryAfterSeconds !== undefined && !failure.unexpected) this.backPressure.set(signal, { at: Date.now(), failure });
      this.telemetry.recordRefused(signal, transport, items);
      this.logRefusal(signal, transport, items, failure, err);
      throw new ConsumerRefusal(failure, err);
    }
    this.telemetry.recordAccepted(signal, transport, items);
    if (!this.guards.memoryLimiter?.refusing) this.guards.retryAfter?.reset();
    return { rejected: validation.rejected, errorMessage: validation.errorMessage };
  }

  private lastLimitedLog = 0;

  /** Items over a limit: at most one line per REFUSAL_LOG_INTERVAL_MS. */
  private logLimited(fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    if (now - this.lastLimitedLog < REFUSAL_LOG_INTERVAL_MS) return;
    this.lastLimitedLog = now;
    this.logger.warn(fields, `${message} (logged at most every ${REFUSAL_LOG_INTERVAL_MS / 1000} s)`);
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
      `pipeline refused ${formatItemCount(signal, items)} (further refusals of ${signal} are logged at most every ${REFUSAL_LOG_INTERVAL_MS / 1000} s; see lookout_receiver_refused_items; ` +
      `requests within receivers.otlp.back_pressure_hold are refused unread, lookout_receiver_back_pressure_refused_requests)`,
    );
  }
}
