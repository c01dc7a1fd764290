/**
 * Lookout's error taxonomy (a port of the seed chapter's DevOpsError family).
 *
 * Every error carries structured `details` and the moment it was raised, and
 * serialises to the same JSON shape everywhere (logs, HTTP error bodies), so
 * an SRE can grep and aggregate on `error_type` without parsing messages.
 */

export type ErrorDetails = Record<string, unknown>;

export interface LookoutErrorJSON {
  error_type: string;
  message: string;
  details: ErrorDetails;
  /** ISO-8601 in UTC. */
  timestamp: string;
}

export class LookoutError extends Error {
  override name = 'LookoutError';
  readonly details: ErrorDetails;
  readonly timestamp: Date;

  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.details = details;
    this.timestamp = new Date();
  }

  /** The shape used in logs and HTTP error bodies (seed: `to_dict()`). */
  toJSON(): LookoutErrorJSON {
    return {
      error_type: this.name,
      message: this.message,
      details: this.details,
      timestamp: this.timestamp.toISOString(),
    };
  }
}

/** A dependency timed out, refused the connection, answered 5xx, or its breaker is open. Usually worth a retry. */
export class ServiceUnavailableError extends LookoutError {
  override name = 'ServiceUnavailableError';
}

/** Configuration is missing or invalid: retrying will not help, fix the input. */
export class ConfigurationError extends LookoutError {
  override name = 'ConfigurationError';
}

/** A deployment step failed. */
export class DeploymentError extends LookoutError {
  override name = 'DeploymentError';
}

/** The monitoring system itself misbehaves (exporter, rule, alert delivery). */
export class MonitoringError extends LookoutError {
  override name = 'MonitoringError';
}

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The class name of anything thrown (`error.type` in OTel semantic conventions). */
export function errorType(err: unknown): string {
  if (err instanceof Error) return err.name || err.constructor.name;
  return typeof err;
}
