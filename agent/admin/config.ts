/**
 * admin: the admin HTTP server's listen address and its security settings.
 * Authentication uses Prometheus' web configuration file format
 * (`web_config_file`: TLS, client certificates, bcrypt basic-auth users)
 * plus a bearer token file; see agent/admin/README.md.
 */
import { z } from 'zod';
import { endpointSchema } from '../config/endpoint';

export const adminConfigSchema = z.strictObject({
  endpoint: endpointSchema().default('127.0.0.1:9464'),
  /** Prometheus' web configuration file (tls_server_config, basic_auth_users); relative to the config file. */
  web_config_file: z.string().min(1).optional(),
  auth: z.strictObject({
    /** A file holding the bearer token (`Authorization: Bearer <token>`); read at start and on reload. */
    token_file: z.string().min(1).optional(),
    /** Require credentials for reads too (GET /metrics, queries, silences...), not only for mutating calls. */
    protect_reads: z.boolean().default(false),
    /** Opt out of "non-loopback admin port without auth refuses writes (403)". */
    allow_unauthenticated_writes: z.boolean().default(false),
    /**
     * bcrypt checks (about 50 ms of CPU each, on libuv's thread pool, which
     * gzip and file I/O share) running or waiting at once; beyond, 503. Verified
     * passwords are cached, so only new or wrong ones cost a check.
     */
    max_pending_password_checks: z.number().int().min(1).default(8),
  }).prefault({}),
  cors: z.strictObject({
    /** Origins allowed to read the API from a browser (exact, e.g. https://grafana.example.com, or "*"); none by default. */
    origins: z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ })])).default([]),
  }).prefault({}),
  rate_limits: z.strictObject({
    /** POST /api/v1/alerts/test calls accepted per minute (each may page someone); 429 beyond. */
    alerts_test_per_minute: z.number().int().min(1).default(6),
  }).prefault({}),
}).refine((a) => !(a.auth.protect_reads && !a.web_config_file && !a.auth.token_file), {
  message: 'auth.protect_reads needs credentials: set admin.web_config_file (basic_auth_users / client certificates) or admin.auth.token_file',
  path: ['auth', 'protect_reads'],
});

export type AdminConfig = z.infer<typeof adminConfigSchema>;
