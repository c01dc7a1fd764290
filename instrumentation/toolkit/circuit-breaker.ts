/**
 * A circuit breaker (the seed's "advanced challenge") on cockatiel's
 * CircuitBreakerPolicy with a consecutive-failures breaker.
 *
 * While open, calls fail fast with a ServiceUnavailableError instead of
 * piling onto a dependency that is down. Its state is exported as a metric in
 * the Prometheus "state set" style so alerts can say
 * `lookout_circuit_breaker_state{state="open"} == 1`:
 *
 *   lookout.circuit_breaker.state{breaker, state=closed|open|half_open|isolated}  1 for the current state, else 0
 *   lookout.circuit_breaker.transitions{breaker, state}                            counter of entries into each state
 */
import type { ObservableResult } from '@opentelemetry/api';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ServiceUnavailableError } from './errors';
import type { StructuredLogger } from './logger';
import { retryFilterPredicate, type RetryFilter } from './retry';
import { perMeterProvider } from './telemetry';

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};
const ALL_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open', 'isolated'];

export const BREAKER_STATE_METRIC = 'lookout.circuit_breaker.state';
export const BREAKER_TRANSITIONS_METRIC = 'lookout.circuit_breaker.transitions';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  consecutiveFailures?: number;
  /** How long the circuit stays open before letting one trial call through, ms. Default 10000. */
  halfOpenAfterMs?: number;
  /** Which failures count against the dependency; default: every error. */
  breakOn?: RetryFilter;
  logger?: StructuredLogger;
}

/** Live breakers, observed by one gauge callback per meter provider. */
const liveBreakers = new Set<LookoutCircuitBreaker>();

const instruments = perMeterProvider((meter) => {
  const gauge = meter.createObservableGauge(BREAKER_STATE_METRIC, {
    description: 'Circuit breaker state: 1 for the current state, 0 for the others',
  });
  gauge.addCallback((result: ObservableResult) => {
    for (const breaker of liveBreakers) {
      for (const state of ALL_STATES) result.observe(state === breaker.state ? 1 : 0, { breaker: breaker.name, state });
    }
  });
  const transitions = meter.createCounter(BREAKER_TRANSITIONS_METRIC, {
    description: 'Circuit breaker state changes, by the state entered',
    unit: '{transition}',
  });
  return { transitions };
});

export class LookoutCircuitBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private readonly halfOpenAfterMs: number;

  constructor(readonly name: string, options: CircuitBreakerOptions = {}) {
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
    const breakOn = retryFilterPredicate(options.breakOn);
    this.policy = circuitBreaker(handleWhen((error) => breakOn(error)), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.consecutiveFailures ?? 5),
    });
    instruments(); // register the gauge callback with the current provider
    this.policy.onStateChange((state) => {
      const name = STATE_NAMES[state];
      instruments().transitions.add(1, { breaker: this.name, state: name });
      const log = options.logger;
      if (name === 'open') log?.warning(`Circuit breaker ${this.name} opened`, { breaker: this.name, state: name });
      else log?.info(`Circuit breaker ${this.name} is ${name}`, { breaker: this.name, state: name });
    });
    liveBreakers.add(this);
  }

  get state(): BreakerState {
    return STATE_NAMES[this.policy.state];
  }

  /** Runs fn through the breaker; while open, rejects at once with a ServiceUnavailableError. */
  async execute<T>(fn: () => T | Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(() => fn());
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
        throw new ServiceUnavailableError(
          `circuit breaker "${this.name}" is ${this.state}: the dependency failed repeatedly, calls are rejected for ${this.halfOpenAfterMs} ms after opening`,
          { breaker: this.name, state: this.state, half_open_after_ms: this.halfOpenAfterMs },
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** Holds the circuit open until the returned handle is disposed (maintenance, manual failover). */
  isolate(): { dispose(): void } {
    return this.policy.isolate();
  }

  /** Stops reporting this breaker's state. */
  dispose(): void {
    liveBreakers.delete(this);
  }
}

export function createCircuitBreaker(name: string, options: CircuitBreakerOptions = {}): LookoutCircuitBreaker {
  return new LookoutCircuitBreaker(name, options);
}
