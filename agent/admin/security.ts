/**
 * admin: config -> what the server enforces: the web config file read and
 * validated, the token file read and hashed, the loopback check. Pure apart
 * from reading files, so a reload validates everything before anything
 * changes.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { ConfigProblem } from '../config/load';
import { splitEndpoint } from '../config/endpoint';
import type { AdminConfig } from './config';
import { CredentialChecker, sha256 } from './credentials';
import type { GuardSettings } from './guard';
import { loadWebConfig, WebConfigError, type LoadedWebConfig } from './web-config';

export interface AdminSecurity {
  guard: GuardSettings;
  tls?: LoadedWebConfig['tls'];
}

export class AdminSecurityError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'AdminSecurityError';
  }
}

/** 127.0.0.0/8, ::1 and localhost; an empty host or 0.0.0.0 / :: (every interface) is not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

export function loadAdminSecurity(admin: AdminConfig, baseDir: string): AdminSecurity {
  const problems: ConfigProblem[] = [];
  let web: LoadedWebConfig = { users: new Map() };
  if (admin.web_config_file) {
    try {
      web = loadWebConfig(admin.web_config_file, baseDir);
    } catch (err) {
      if (err instanceof WebConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  let tokenHash: Buffer | undefined;
  if (admin.auth.token_file) {
    const full = path.resolve(baseDir, admin.auth.token_file);
    try {
      const token = readFileSync(full, 'utf8').trim();
      if (token.length < 16) problems.push({ path: 'admin.auth.token_file', message: `the token in ${full} is shorter than 16 characters` });
      tokenHash = sha256(token);
    } catch (err) {
      problems.push({ path: 'admin.auth.token_file', message: `cannot read ${full}: ${(err as Error).message}` });
    }
  }
  if (problems.length) throw new AdminSecurityError(problems);
  const clientAuth = web.tls?.clientAuth ?? 'NoClientCert';
  return {
    guard: {
      checker: new CredentialChecker({ users: web.users, tokenHash, clientAuth, maxPendingPasswordChecks: admin.auth.max_pending_password_checks }),
      protectReads: admin.auth.protect_reads,
      allowUnauthenticatedWrites: admin.auth.allow_unauthenticated_writes,
      loopback: isLoopbackHost(splitEndpoint(admin.endpoint).host),
      corsOrigins: admin.cors.origins.map((o) => o.replace(/\/$/, '')),
      alertsTestPerMinute: admin.rate_limits.alerts_test_per_minute,
    },
    tls: web.tls,
  };
}
