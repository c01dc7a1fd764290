/**
 * Checking the credentials a request carries against the admin port's
 * settings: basic auth against bcrypt hashes (the `bcrypt` package, off the
 * event loop; verified pairs are cached by a SHA-256 digest so a dashboard
 * polling with basic auth does not pay bcrypt's cost on every request, as
 * exporter-toolkit caches them), a bearer token compared in constant time
 * (timingSafeEqual on SHA-256 digests, so the length does not leak either),
 * and a verified TLS client certificate.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { ClientAuthType } from './web-config';

/** A valid hash of a random string: unknown users are compared against it so timing does not tell which users exist. */
const DUMMY_HASH = '$2b$10$jEB6q/PTZ8tbUPj.DQUhMezptWksfOKkGe7ZDYMkDLB1Ql8DPIY2G';
const CACHE_MAX = 1024;

export function sha256(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}

export type Credential = 'basic' | 'bearer' | 'client_cert';
export type CheckResult = { ok: true; via: Credential } | { ok: false; reason: string; overloaded?: boolean };

export interface CredentialSettings {
  users: ReadonlyMap<string, string>;
  /** SHA-256 of the bearer token. */
  tokenHash?: Buffer;
  clientAuth: ClientAuthType;
  /** bcrypt comparisons in flight at most; beyond, the check fails as overloaded. */
  maxPendingPasswordChecks: number;
}

export class CredentialChecker {
  private readonly verified = new Map<string, true>();
  private pending = 0;

  constructor(private readonly settings: CredentialSettings) {}

  /** Any credentials configured at all. */
  get configured(): boolean {
    const s = this.settings;
    return s.users.size > 0 || s.tokenHash !== undefined || s.clientAuth === 'VerifyClientCertIfGiven' || s.clientAuth === 'RequireAndVerifyClientCert';
  }

  /** Which schemes to offer in WWW-Authenticate. */
  challenge(): string {
    const offers: string[] = [];
    if (this.settings.users.size) offers.push('Basic realm="lookout", charset="UTF-8"');
    if (this.settings.tokenHash) offers.push('Bearer realm="lookout"');
    return offers.join(', ') || 'Bearer realm="lookout"';
  }

  /** A TLS connection's peer certificate problems (for client_auth_type checks made per request). */
  private clientCert(req: IncomingMessage): 'verified' | 'unverified' | 'none' {
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function') return 'none';
    const cert = socket.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return 'none';
    return socket.authorized ? 'verified' : 'unverified';
  }

  async check(req: IncomingMessage): Promise<CheckResult> {
    const s = this.settings;
    const cert = this.clientCert(req);
    if (s.clientAuth === 'RequireAnyClientCert' && cert === 'none') return { ok: false, reason: 'a client certificate is required' };
    if (s.clientAuth === 'VerifyClientCertIfGiven' && cert === 'unverified') return { ok: false, reason: 'the client certificate is not signed by client_ca_file' };
    const header = req.headers.authorization ?? '';
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const value = space > 0 ? header.slice(space + 1).trim() : '';
    if (scheme === 'bearer' && s.tokenHash) {
      if (timingSafeEqual(sha256(value), s.tokenHash)) return { ok: true, via: 'bearer' };
      return { ok: false, reason: 'invalid bearer token' };
    }
    if (scheme === 'basic' && s.users.size) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return { ok: false, reason: 'malformed basic credentials' };
      const user = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const verdict = await this.verifyBasic(user, password);
      if (verdict === 'overloaded') return { ok: false, reason: 'too many password checks in progress (admin.auth.max_pending_password_checks); retry later', overloaded: true };
      if (verdict) return { ok: true, via: 'basic' };
      return { ok: false, reason: 'invalid username or password' };
    }
    if (cert === 'verified' && (s.clientAuth === 'VerifyClientCertIfGiven' || s.clientAuth === 'RequireAndVerifyClientCert')) {
      return { ok: true, via: 'client_cert' };
    }
    return { ok: false, reason: header ? `unsupported or unconfigured authorization scheme "${scheme}"` : 'credentials required' };
  }

  private async verifyBasic(user: string, password: string): Promise<boolean | 'overloaded'> {
    const hash = this.settings.users.get(user);
    const key = sha256(`${user}\u0000${password}\u0000${hash ?? ''}`).toString('hex');
    if (hash && this.verified.has(key)) return true;
    if (this.pending >= this.settings.maxPendingPasswordChecks) return 'overloaded';
    this.pending++;
    let ok: boolean;
    try {
      // The native binding is loaded at the first password check: agents without basic auth never load it.
      const bcrypt = require('bcrypt') as typeof import('bcrypt');
      ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
    } finally {
      this.pending--;
    }
    if (ok && hash) {
      if (this.verified.size >= CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(key, true);
    }
    return ok && hash !== undefined;
  }
}
