/**
 * Runs a real `lookout run` child process for end-to-end tests, on free
 * loopback ports, and stops it with SIGTERM like an orchestrator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from './repo';
import { waitFor } from './wait';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface AgentProcess {
  child: ChildProcess;
  otlpUrl: string;
  adminUrl: string;
  dir: string;
  /** Everything the agent wrote to stdout and stderr so far. */
  output(): string;
  /** JSON log lines parsed from stdout. */
  logs(): Record<string, unknown>[];
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process exits (sends nothing). */
  exited(): Promise<number | null>;
}

/**
 * Starts the agent from TypeScript sources (tsx), so tests always run the
 * current code; `npm test` type-checks the same sources in its build step.
 * `config` is merged over an agent on free ports with storage in a tmp dir.
 */
export interface StartAgentOptions {
  env?: NodeJS.ProcessEnv;
  waitReady?: boolean;
  /** Reuse a previous agent's folder (its storage.dir): a restart. */
  dir?: string;
  otlpPort?: number;
  adminPort?: number;
  /** Extra node flags before the script (e.g. --max-semi-space-size=4, --cpu-prof). */
  nodeArgs?: string[];
  /** Run the built agent (dist/agent/cli/main.js, `npm run build` first) instead of the sources under tsx, as the image does. */
  built?: boolean;
}

export async function startAgent(config: Record<string, unknown> = {}, opts: StartAgentOptions = {}): Promise<AgentProcess> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'lookout-agent-'));
  const otlpPort = opts.otlpPort ?? await freePort();
  const adminPort = opts.adminPort ?? await freePort();
  const full = {
    receivers: { otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` } } },
    admin: { endpoint: `127.0.0.1:${adminPort}` },
    storage: { dir: path.join(dir, 'data') },
    log: { level: 'info' },
    ...config,
  };
  const configFile = path.join(dir, 'lookout.yaml');
  writeFileSync(configFile, stringify(full));
  const entry = opts.built ? [path.join(repoRoot, 'dist/agent/cli/main.js')] : ['--require', 'tsx/cjs', path.join(repoRoot, 'agent/cli/main.ts')];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry, 'run', '--config', configFile], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  let exited: number | null | undefined;
  const exitPromise = new Promise<number | null>((resolve) => child.on('exit', (code) => { exited = code; resolve(code); }));
  const agent: AgentProcess = {
    child,
    dir,
    otlpUrl: `http://127.0.0.1:${otlpPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    output: () => out,
    logs: () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return {}; } }),
    exited: () => exitPromise,
    stop: async (signal = 'SIGTERM') => {
      if (exited !== undefined) return exited;
      child.kill(signal);
      return exitPromise;
    },
  };
  if (opts.waitReady !== false) {
    await waitFor(async () => {
      if (exited !== undefined) throw new Error(`agent exited with ${exited}:\n${out}`);
      const res = await fetch(`${agent.adminUrl}/readyz`).catch(() => undefined);
      return res?.status === 200;
    }, { timeoutMs: 30000, what: 'agent /readyz' }).catch((err: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message}\nagent output:\n${out}`);
    });
  }
  return agent;
}
