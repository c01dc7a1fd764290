/**
 * URLs with `user:password@` where they cannot work: the OTLP exporter's
 * endpoint (fetch refuses credentials in URLs; use headers) and the external
 * URLs that notifications link to (they would hand the credentials to every
 * reader). Refused by check-config and at start, with a message that never
 * repeats the credentials. Alertmanager, webhook and Slack URLs with
 * userinfo work: the credentials are sent as basic auth (notify/http.ts).
 */
import type { ConfigProblem, LoadedConfig } from './load';

function hasUserinfo(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

export function validateUserinfo({ config }: LoadedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (hasUserinfo(config.exporters.otlp?.endpoint)) {
    problems.push({ path: 'exporters.otlp.endpoint', message: 'credentials in the URL (user:password@) are not supported: put them in exporters.otlp.headers (e.g. authorization: Basic ...)' });
  }
  if (hasUserinfo(config.alerting.external_url)) {
    problems.push({ path: 'alerting.external_url', message: 'must not contain credentials (user:password@): every notification links to it' });
  }
  if (hasUserinfo(config.rules.external_url)) {
    problems.push({ path: 'rules.external_url', message: 'must not contain credentials (user:password@): every alert links to it' });
  }
  return problems;
}
