/**
 * email_configs via nodemailer: smarthost host:port, STARTTLS required by
 * default (require_tls, as Alertmanager; port 465 means implicit TLS),
 * PLAIN/LOGIN auth (auth_identity = the PLAIN authorization identity),
 * hello, custom headers, and html + text bodies rendered from notification
 * templates (Alertmanager's defaults unless configured).
 */
import { isIP } from 'node:net';
import type { TransportOptions } from 'nodemailer';
import type { EmailConfig, GlobalConfig } from './config';
import type { Integration } from './integration';
import type { NotificationMessage } from './message';
import { secretOrFile } from './secret';
import { EMAIL_DEFAULTS } from '../templates/notification-defaults';
import type { NotificationTemplates, TemplateHolder } from '../templates/notification';
import { renderer } from './render';

/**
 * Alertmanager's email rendering: Subject (default `email.default.subject`),
 * To, From and every header as text templates, `html` (default
 * `email.default.html`) through html/template's contextual escaping, which
 * escapes label and annotation values, and `text` (none by default).
 */
export function emailContent(msg: NotificationMessage, cfg: EmailConfig, from: string, templates: NotificationTemplates) {
  const r = renderer(templates, templates.data(msg));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.headers)) headers[k] = r.text(v);
  const subject = headers.Subject ?? r.text(EMAIL_DEFAULTS.subject);
  delete headers.Subject;
  const to = headers.To ?? r.text(cfg.to);
  delete headers.To;
  const fromHeader = headers.From ?? r.text(from);
  delete headers.From;
  const html = r.html(cfg.html ?? EMAIL_DEFAULTS.html);
  const text = cfg.text ? r.text(cfg.text) : '';
  r.check();
  return { from: fromHeader, to, subject, headers, ...(html ? { html } : {}), ...(text ? { text } : {}) };
}


export class EmailIntegration implements Integration {
  readonly name = 'email' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: EmailConfig, private readonly global: GlobalConfig, readonly index: number, private readonly baseDir: string,
    private readonly templates: TemplateHolder) {
    this.sendResolved = cfg.send_resolved;
  }

  private transport() {
    const smarthost = this.cfg.smarthost ?? this.global.smtp_smarthost;
    if (!smarthost) throw new Error('email: no smarthost or global.smtp_smarthost configured');
    const idx = smarthost.lastIndexOf(':');
    const host = smarthost.slice(0, idx);
    const port = Number(smarthost.slice(idx + 1));
    const user = this.cfg.auth_username ?? this.global.smtp_auth_username;
    const pass = secretOrFile(this.cfg.auth_password, this.cfg.auth_password_file, this.baseDir, 'email auth_password')
      ?? secretOrFile(this.global.smtp_auth_password, this.global.smtp_auth_password_file, this.baseDir, 'global.smtp_auth_password');
    const identity = this.cfg.auth_identity ?? this.global.smtp_auth_identity;
    const requireTls = this.cfg.require_tls ?? this.global.smtp_require_tls;
    const auth = user ? (identity
      ? { type: 'custom' as const, method: 'PLAIN-IDENTITY', user, pass: pass ?? '' }
      : { user, pass: pass ?? '' }) : undefined;
    // Loaded on first use: most agents send no email, and nodemailer costs ~2 MB of heap at start.
    const nodemailer = require('nodemailer') as typeof import('nodemailer');
    return nodemailer.createTransport({
      host, port,
      secure: port === 465,
      requireTLS: port !== 465 && requireTls,
      name: this.cfg.hello ?? this.global.smtp_hello,
      auth,
      // PLAIN with an authorization identity (Alertmanager's auth_identity), which nodemailer's built-in PLAIN lacks.
      customAuth: identity ? {
        'PLAIN-IDENTITY': async (ctx: { auth: { credentials: { user: string; pass: string } }; sendCommand(cmd: string): Promise<{ status: number; text?: string; response?: string }> }) => {
          const token = Buffer.from(`${identity}\u0000${ctx.auth.credentials.user}\u0000${ctx.auth.credentials.pass}`).toString('base64');
          const res = await ctx.sendCommand(`AUTH PLAIN ${token}`);
          if (res.status !== 235) throw new Error(`SMTP AUTH PLAIN refused: ${res.text ?? res.response ?? res.status}`);
        },
      } : undefined,
      tls: { rejectUnauthorized: !(this.cfg.tls_config?.insecure_skip_verify ?? false), servername: this.cfg.tls_config?.server_name ?? (isIP(host) ? undefined : host) },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    } as TransportOptions);
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const from = this.cfg.from ?? this.global.smtp_from;
    if (!from) throw new Error('email: no from or global.smtp_from configured');
    const transport = this.transport();
    const onAbort = () => transport.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await transport.sendMail(emailContent(msg, this.cfg, from, this.templates.current));
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}
