/**
 * An in-process agent (the real Service, its admin server and every route)
 * started from a config document, with the reloader attached as `lookout
 * run` attaches it; plus a self-signed CA, server and client certificates
 * made with openssl for the TLS tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../../agent/config/load';
import { attachReloader } from '../../../agent/service/reload';
import { Service } from '../../../agent/service/service';

export interface InProcessAgent {
  service: Service;
  dir: string;
  configFile: string;
  url: string;
  stop(): Promise<void>;
}

export function tmpDir(prefix = 'lookout-sec-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a Service from `config` (merged over loopback port 0, storage in a tmp dir); `url` uses 127.0.0.1 and the bound port. */
export async function startInProcess(config: Record<string, unknown>, opts: { dir?: string; scheme?: 'http' | 'https' } = {}): Promise<InProcessAgent> {
  const dir = opts.dir ?? tmpDir();
  const full = {
    receivers: { otlp: { http: { endpoint: '127.0.0.1:0' } } },
    storage: { dir: path.join(dir, 'data') },
    rules: { default_pack: { enabled: false } },
    ...config,
    admin: { endpoint: '127.0.0.1:0', ...(config.admin as object | undefined) },
  };
  const configFile = path.join(dir, 'lookout.yaml');
  writeFileSync(configFile, stringify(full));
  const loaded = loadConfigFile(configFile);
  const service = new Service(loaded, { logger: pino({ level: 'silent' }) });
  attachReloader(service, loaded);
  await service.start();
  const port = service.admin.address!.port;
  return { service, dir, configFile, url: `${opts.scheme ?? 'http'}://127.0.0.1:${port}`, stop: () => service.shutdown() };
}

export interface Pki { dir: string; caCert: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string; otherClientCert: string; otherClientKey: string }

/** A CA, a server certificate for 127.0.0.1 and two client certificates (one signed by the CA, one self-signed). */
export function makePki(): Pki {
  const dir = tmpDir('lookout-pki-');
  const p = (f: string) => path.join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=lookout-test-ca');
  writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=oncall-client');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '1', '-subj', '/CN=stranger');
  return {
    dir, caCert: p('ca.crt'), serverCert: p('server.crt'), serverKey: p('server.key'), clientCert: p('client.crt'), clientKey: p('client.key'),
    otherClientCert: p('other.crt'), otherClientKey: p('other.key'),
  };
}
