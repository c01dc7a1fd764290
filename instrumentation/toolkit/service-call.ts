/**
 * callService: the seed's `handle_service_call` with fetch.
 *
 * Maps every way an HTTP dependency can fail onto the error taxonomy, so
 * callers (and retry filters) decide on the class, not on message text:
 *
 *   timeout, connection failure, HTTP >= 500  -> ServiceUnavailableError (worth a retry)
 *   HTTP 4xx                                  -> LookoutError (the request is wrong; do not retry)
 *   body that is not JSON                     -> LookoutError
 */
import { LookoutError, ServiceUnavailableError, errorMessage } from './errors';

export interface ServiceCallOptions {
  /** Default 30000 ms (seed: timeout=30 s). */
  timeoutMs?: number;
  init?: RequestInit;
}

export async function callService<T = unknown>(serviceUrl: string, options: ServiceCallOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let response: Response;
  try {
    response = await fetch(serviceUrl, { ...options.init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw new ServiceUnavailableError(`Service at ${serviceUrl} timed out`, { timeout_ms: timeoutMs, service_url: serviceUrl }, { cause: err });
    }
    const cause = err instanceof Error && err.cause !== undefined ? errorMessage(err.cause) : errorMessage(err);
    throw new ServiceUnavailableError(`Cannot connect to service at ${serviceUrl}`, { service_url: serviceUrl, error: cause }, { cause: err });
  }
  const text = await response.text();
  if (response.status >= 500) {
    throw new ServiceUnavailableError(`Service error: ${response.status}`, { status_code: response.status, service_url: serviceUrl });
  }
  if (response.status >= 400) {
    throw new LookoutError(`Client error: ${response.status}`, { status_code: response.status, service_url: serviceUrl });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new LookoutError('Invalid JSON response from service', { service_url: serviceUrl, error: errorMessage(err) });
  }
}
