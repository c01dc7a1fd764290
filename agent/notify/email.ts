/**
 * email_configs via nodemailer: smarthost host:port, STARTTLS required by
 * default (require_tls, as Alertmanager; port 465 means implicit TLS),
 * PLAIN/LOGIN auth (auth_identity = the PLAIN authorization identity),
 * hello, custom headers, and html + text bodies listing every alert with
 * its labels and annotations. Subject: `[FIRING:1] AlertName (labels)`.
 */
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { EmailConfig, GlobalConfig } from '../alerting/config';
import type { Integration } from './integration';
import { firing, labelPairs, resolved, titleLine, type NotificationMessage, type NotifiedAlert } from './message';
import { secretOrFile } from './secret';
import { escapeHtml } from './escape';


function alertText(a: NotifiedAlert): string {
  const lines = [`Labels:`, ...Object.keys(a.labels).sort().map((k) => `  - ${k} = ${a.labels[k]}`)];
  if (Object.keys(a.annotations).length) lines.push('Annotations:', ...Object.keys(a.annotations).sort().map((k) => `  - ${k} = ${a.annotations[k]}`));
  lines.push(`Starts at: ${a.startsAt}`);
  if (a.status === 'resolved') lines.push(`Ends at: ${a.endsAt}`);
  if (a.generatorURL) lines.push(`Source: ${a.generatorURL}`);
  return lines.join('\n');
}

export function emailText(msg: NotificationMessage): string {
  const out = [titleLine(msg), '', `View in ${msg.externalURL}`, ''];
  const f = firing(msg);
  const r = resolved(msg);
  if (f.length) out.push(`[${f.length}] Firing`, ...f.map((a) => alertText(a) + '\n'));
  if (r.length) out.push(`[${r.length}] Resolved`, ...r.map((a) => alertText(a) + '\n'));
  return out.join('\n');
}

function alertHtml(a: NotifiedAlert): string {
  const rows = (m: Record<string, string>) => Object.keys(m).sort().map((k) => `<li><b>${escapeHtml(k)}</b> = ${escapeHtml(m[k])}</li>`).join('');
  return `<div class="alert"><p><b>Labels</b></p><ul>${rows(a.labels)}</ul>` +
    (Object.keys(a.annotations).length ? `<p><b>Annotations</b></p><ul>${rows(a.annotations)}</ul>` : '') +
    `<p>Starts at ${escapeHtml(a.startsAt)}${a.status === 'resolved' ? `, ends at ${escapeHtml(a.endsAt)}` : ''}` +
    (/^https?:\/\//i.test(a.generatorURL) ? ` &middot; <a href="${escapeHtml(a.generatorURL)}">Source</a>` : '') + '</p></div>';
}

export function emailHtml(msg: NotificationMessage): string {
  const f = firing(msg);
  const r = resolved(msg);
  const color = msg.status === 'firing' ? '#E6522C' : '#68B90F';
  return '<!DOCTYPE html><html><head><meta charset="utf-8"><title>' + escapeHtml(titleLine(msg)) + '</title></head><body>' +
    `<h2 style="color:${color}">${escapeHtml(titleLine(msg))}</h2>` +
    `<p><a href="${escapeHtml(msg.externalURL)}">View in Lookout</a> &middot; ${escapeHtml(labelPairs(msg.groupLabels))}</p>` +
    (f.length ? `<h3>[${f.length}] Firing</h3>${f.map(alertHtml).join('')}` : '') +
    (r.length ? `<h3>[${r.length}] Resolved</h3>${r.map(alertHtml).join('')}` : '') +
    '</body></html>';
}

export class EmailIntegration implements Integration {
  readonly name = 'email' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: EmailConfig, private readonly global: GlobalConfig, readonly index: number, private readonly baseDir: string) {
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
    } as nodemailer.TransportOptions);
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const from = this.cfg.from ?? this.global.smtp_from;
    if (!from) throw new Error('email: no from or global.smtp_from configured');
    const transport = this.transport();
    const onAbort = () => transport.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const headers: Record<string, string> = { ...this.cfg.headers };
      const subject = headers.Subject ?? titleLine(msg);
      delete headers.Subject;
      const to = headers.To ?? this.cfg.to;
      delete headers.To;
      const fromHeader = headers.From ?? from;
      delete headers.From;
      await transport.sendMail({ from: fromHeader, to, subject, headers, text: emailText(msg), html: emailHtml(msg) });
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}
