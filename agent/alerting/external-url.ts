/**
 * The externalURL notifications carry (Alertmanager's --web.external-url):
 * `alerting.external_url` when set; otherwise derived, as Alertmanager does,
 * from the admin server's real listen address, with the machine's host name
 * in place of an unspecified address (0.0.0.0 / ::), since a link to
 * 0.0.0.0 opens nothing; a pod's host name is its name, resolvable in-cluster.
 */
import os from 'node:os';

export interface ListenAddress { host: string; port: number }

const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

export function externalUrlFor(configured: string | undefined, admin: ListenAddress | undefined, hostname: () => string = os.hostname): string {
  if (configured) return configured;
  if (!admin) return `http://${hostname()}:9464`;
  const host = UNSPECIFIED.has(admin.host) ? hostname() : admin.host.includes(':') ? `[${admin.host}]` : admin.host;
  return `http://${host}:${admin.port}`;
}
