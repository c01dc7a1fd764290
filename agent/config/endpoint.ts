import { z } from 'zod';

/** host:port, as the Collector writes listen addresses. Port 0 picks a free port (tests). */
export function endpointSchema() {
  return z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]*):\d{1,5}$/, {
    message: 'expected host:port, e.g. 127.0.0.1:4318',
  });
}

export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const idx = endpoint.lastIndexOf(':');
  let host = endpoint.slice(0, idx);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port: Number(endpoint.slice(idx + 1)) };
}
