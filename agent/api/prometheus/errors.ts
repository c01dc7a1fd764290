/**
 * API errors with Prometheus' errorType values and HTTP statuses:
 * bad_data 400, execution 422, canceled 499, timeout 503, internal 500,
 * not_found 404, unavailable 503 (too many queries queued) ({"status":"error","errorType":...,"error":...}).
 */
import { QueryError } from '../../promql/types';

export type ErrorType = 'bad_data' | 'execution' | 'canceled' | 'timeout' | 'internal' | 'not_found' | 'unavailable';

export const STATUS_OF: Record<ErrorType, number> = {
  bad_data: 400, execution: 422, canceled: 499, timeout: 503, internal: 500, not_found: 404, unavailable: 503,
};

export class ApiError extends Error {
  constructor(readonly type: ErrorType, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Any error thrown while answering, as an ApiError: QueryErrors keep their
 * type; other errors from evaluating a query are "execution" (as Prometheus
 * treats untyped engine errors), except programming errors (TypeError,
 * RangeError, ReferenceError), which are "internal".
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof QueryError) return new ApiError(err.errorType, err.message);
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) {
    return new ApiError('internal', err.message);
  }
  return new ApiError('execution', err instanceof Error ? err.message : String(err));
}
