/**
 * How the demo app calls its flaky dependency, the way the seed chapter
 * recommends: taxonomy-mapped errors (callService), retries with exponential
 * backoff and jitter for transient failures only, behind a circuit breaker
 * so a dead dependency is not hammered, all inside one span.
 */
import {
  ServiceUnavailableError,
  type StructuredLogger,
  callService,
  createCircuitBreaker,
  retry,
  withSpan,
  type LookoutCircuitBreaker,
} from '../../instrumentation';
import type { InventoryItem } from './inventory';

export interface DependencyClientOptions {
  url: () => string;
  timeoutMs: number;
  breakerFailures: number;
  breakerOpenMs: number;
  logger: StructuredLogger;
  /** First retry delay; the seed's 1 s is long on a request path. */
  baseDelayMs: number;
}

export interface InventoryResult {
  items: InventoryItem[];
  breaker: string;
}

export class DependencyClient {
  readonly breaker: LookoutCircuitBreaker;

  constructor(private readonly options: DependencyClientOptions) {
    this.breaker = createCircuitBreaker('inventory', {
      consecutiveFailures: options.breakerFailures,
      halfOpenAfterMs: options.breakerOpenMs,
      breakOn: [ServiceUnavailableError],
      logger: options.logger,
    });
  }

  fetchInventory(): Promise<InventoryResult> {
    const url = `${this.options.url()}/internal/inventory`;
    return withSpan(
      'fetch_inventory',
      { 'peer.service': 'inventory', 'url.full': url },
      async () => {
        // The breaker wraps the whole retry sequence: one exhausted sequence is one failure.
        const body = await this.breaker.execute(() =>
          retry(() => callService<{ items: InventoryItem[] }>(url, { timeoutMs: this.options.timeoutMs }), {
            operation: 'fetch_inventory',
            maxRetries: 3,
            baseDelayMs: this.options.baseDelayMs,
            maxDelayMs: 1000,
            retryOn: [ServiceUnavailableError],
            logger: this.options.logger,
          }),
        );
        return { items: body.items, breaker: this.breaker.state };
      },
      { logger: this.options.logger },
    );
  }

  dispose(): void {
    this.breaker.dispose();
  }
}
