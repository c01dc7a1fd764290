/**
 * The admin port's request policy, in one place and keyed on the HTTP
 * method, so a route added later is covered by default:
 *
 * - every method but GET/HEAD/OPTIONS is *mutating* (silences, alerts,
 *   alerts/test, /-/reload, whatever comes next), except the Prometheus
 *   query API's POST forms, which are reads;
 * - with credentials configured, a mutating call needs them (401 with
 *   WWW-Authenticate), and reads too with `admin.auth.protect_reads`
 *   (/healthz and /readyz stay open for probes);
 * - without credentials, a non-loopback admin port refuses mutating calls
 *   (403 naming the keys to set) unless `admin.auth.allow_unauthenticated_writes`;
 * - browsers: CORS headers only for `admin.cors.origins`, a mutating call
 *   from any other Origin is refused (403), and a mutating call's body must
 *   be application/json (415), so no simple-request CSRF gets through;
 * - POST /api/v1/alerts/test is rate-limited (429).
 */
import type { Counter, Meter } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { CredentialChecker } from './credentials';
import { TokenBucket } from './rate-limit';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Prometheus' query API accepts its (read-only) parameters as a POST form. */
const READ_POSTS = new Set(['/api/v1/query', '/api/v1/query_range', '/api/v1/series', '/api/v1/labels', '/api/v1/query_exemplars']);
/** Probes must work without credentials (a kubelet does not send any). */
const ALWAYS_OPEN = new Set(['/healthz', '/readyz']);
const LOG_EVERY_MS = 60_000;

export interface GuardSettings {
  checker: CredentialChecker;
  protectReads: boolean;
  allowUnauthenticatedWrites: boolean;
  /** The admin port listens on a loopback address only. */
  loopback: boolean;
  corsOrigins: readonly string[];
  alertsTestPerMinute: number;
}

export type RefusalReason = 'unauthorized' | 'auth_overloaded' | 'no_auth_configured' | 'origin' | 'content_type' | 'rate_limited';

export function isMutating(req: Request): boolean {
  return !READ_METHODS.has(req.method) && !(req.method === 'POST' && READ_POSTS.has(req.path));
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

function hasBody(req: Request): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

export class AdminGuard {
  private settings: GuardSettings;
  private alertsTest: TokenBucket;
  private readonly refused: Counter;
  private readonly lastLog = new Map<RefusalReason, { at: number; suppressed: number }>();

  constructor(settings: GuardSettings, meter: Meter, private readonly logger: Logger, private readonly now: () => number = Date.now) {
    this.settings = settings;
    this.alertsTest = new TokenBucket(settings.alertsTestPerMinute, 60_000, now);
    this.refused = meter.createCounter('lookout_admin_requests_refused_total', {
      description: 'Admin requests refused, by reason (unauthorized, auth_overloaded, no_auth_configured, origin, content_type, rate_limited).',
    });
  }

  /** Swaps the settings in place (reload); the rate limiter keeps its state when the limit is unchanged. */
  update(settings: GuardSettings): void {
    if (settings.alertsTestPerMinute !== this.settings.alertsTestPerMinute) this.alertsTest = new TokenBucket(settings.alertsTestPerMinute, 60_000, this.now);
    this.settings = settings;
  }

  /** CORS: headers only for listed origins; preflights answered here. */
  cors(): RequestHandler {
    return (req, res, next) => {
      const origin = req.headers.origin;
      const allowed = origin !== undefined && this.originAllowed(origin);
      if (allowed) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Expose-Headers', 'Date');
      }
      if (req.method === 'OPTIONS') {
        if (allowed) {
          res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin');
          res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
        }
        res.status(204).end();
        return;
      }
      next();
    };
  }

  private originAllowed(origin: string): boolean {
    const list = this.settings.corsOrigins;
    return list.includes('*') || list.includes(origin.replace(/\/$/, ''));
  }

  /** Same-origin requests (a page served by this very port) carry Origin too; they are not cross-site. */
  private sameOrigin(req: Request, origin: string): boolean {
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private refuse(res: Response, status: number, reason: RefusalReason, message: string, req: Request, headers: Record<string, string> = {}): void {
    this.refused.add(1, { reason });
    const t = this.now();
    const last = this.lastLog.get(reason);
    if (!last || t - last.at >= LOG_EVERY_MS) {
      this.logger.warn({ reason, method: req.method, path: req.path, remote: req.socket.remoteAddress, suppressed: last?.suppressed ?? 0 },
        `admin request refused: ${message}`);
      this.lastLog.set(reason, { at: t, suppressed: 0 });
    } else {
      last.suppressed++;
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(status).type('text/plain').send(`${message}\n`);
  }

  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      this.handle(req, res).then((pass) => { if (pass) next(); }, next);
    };
  }

  private async handle(req: Request, res: Response): Promise<boolean> {
    const s = this.settings;
    const mutating = isMutating(req);
    if (!mutating && ALWAYS_OPEN.has(req.path)) return true;
    if (s.checker.configured) {
      if (mutating || s.protectReads) {
        const result = await s.checker.check(req);
        if (!result.ok && result.overloaded) {
          this.refuse(res, 503, 'auth_overloaded', `service unavailable: ${result.reason}`, req, { 'Retry-After': '1' });
          return false;
        }
        if (!result.ok) {
          this.refuse(res, 401, 'unauthorized', `unauthorized: ${result.reason}`, req, { 'WWW-Authenticate': s.checker.challenge() });
          return false;
        }
      }
    } else if (mutating && !s.loopback && !s.allowUnauthenticatedWrites) {
      this.refuse(res, 403, 'no_auth_configured',
        'forbidden: the admin port listens on a non-loopback address without authentication; set admin.web_config_file ' +
        '(basic_auth_users, client certificates) or admin.auth.token_file, or opt out with admin.auth.allow_unauthenticated_writes: true', req);
      return false;
    }
    if (!mutating) return true;
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin) && !this.sameOrigin(req, origin)) {
      this.refuse(res, 403, 'origin', `forbidden: cross-origin request from ${JSON.stringify(origin)} (allowed origins: admin.cors.origins)`, req);
      return false;
    }
    const type = req.headers['content-type'];
    if ((type !== undefined || hasBody(req)) && !isJson(type)) {
      this.refuse(res, 415, 'content_type', `unsupported media type ${JSON.stringify(type ?? '')}: send Content-Type: application/json`, req);
      return false;
    }
    if (req.method === 'POST' && req.path === '/api/v1/alerts/test' && !this.alertsTest.take()) {
      const retry = Math.ceil(this.alertsTest.msUntilNext() / 1000);
      this.refuse(res, 429, 'rate_limited',
        `too many test alerts: at most ${s.alertsTestPerMinute} per minute (admin.rate_limits.alerts_test_per_minute); retry in ${retry}s`, req,
        { 'Retry-After': String(retry) });
      return false;
    }
    return true;
  }
}
