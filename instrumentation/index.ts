/**
 * `lookout/instrumentation`: the error-handling toolkit for apps that run
 * under Lookout's zero-code preload (`lookout inject`).
 *
 * It only uses the OpenTelemetry *API*; the SDK comes from the preload, so an
 * app importing this module does not depend on the SDK and still works
 * (without telemetry) when it runs uninstrumented.
 */
export {
  LookoutError,
  ServiceUnavailableError,
  ConfigurationError,
  DeploymentError,
  MonitoringError,
  errorMessage,
  errorType,
  type ErrorDetails,
  type LookoutErrorJSON,
} from './toolkit/errors';
export { withSpan, type WithSpanOptions } from './toolkit/with-span';
export { retry, retryFilterPredicate, RETRY_ATTEMPTS_METRIC, type RetryOptions, type RetryFilter, type AttemptContext, type ErrorClass } from './toolkit/retry';
export { backoffDelay, seedBackoff, type BackoffOptions } from './toolkit/backoff';
export {
  createCircuitBreaker,
  LookoutCircuitBreaker,
  BREAKER_STATE_METRIC,
  BREAKER_TRANSITIONS_METRIC,
  type BreakerState,
  type CircuitBreakerOptions,
} from './toolkit/circuit-breaker';
export { StructuredLogger, activeTraceFields, describeError, type LogFields, type StructuredLoggerOptions } from './toolkit/logger';
export { callService, type ServiceCallOptions } from './toolkit/service-call';
