/**
 * Reads the facts tests need from deploy/Dockerfile: the runtime stage's
 * USER, the directories it creates and who owns them, EXPOSE, HEALTHCHECK.
 * Only the subset of Dockerfile syntax the file uses (continuation lines,
 * `RUN a && b` chains) is understood.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/repo';

export interface DockerfileFacts {
  stages: { from: string; name?: string; instructions: { op: string; args: string }[] }[];
  /** The last stage (the image that runs). */
  runtime: { from: string; user?: string; expose: number[]; healthcheck?: string; created: string[]; owned: Map<string, string>; cmd?: string; entrypoint?: string };
  args: Map<string, string>;
}

export function readDockerfile(file = path.join(repoRoot, 'deploy/Dockerfile')): DockerfileFacts {
  const lines = readFileSync(file, 'utf8').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: DockerfileFacts['stages'] = [];
  const args = new Map<string, string>();
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = m[1].toUpperCase();
    const rest = m[2];
    if (op === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=');
      args.set(k, v ?? '');
      continue;
    }
    if (op === 'FROM') {
      const [from, , name] = rest.split(/\s+/);
      stages.push({ from: from.replace(/\$\{(\w+)\}/g, (_s, k: string) => args.get(k) ?? ''), name, instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ op, args: rest });
  }
  const last = stages.at(-1)!;
  const runtime: DockerfileFacts['runtime'] = { from: last.from, expose: [], created: [], owned: new Map() };
  for (const { op, args: a } of last.instructions) {
    if (op === 'USER') runtime.user = a;
    if (op === 'EXPOSE') runtime.expose.push(...a.split(/\s+/).map(Number));
    if (op === 'HEALTHCHECK') runtime.healthcheck = a;
    if (op === 'CMD') runtime.cmd = a;
    if (op === 'ENTRYPOINT') runtime.entrypoint = a;
    if (op === 'RUN') {
      for (const cmd of a.split('&&').map((c) => c.trim().split(/\s+/))) {
        if (cmd[0] === 'mkdir') runtime.created.push(...cmd.slice(1).filter((x) => !x.startsWith('-')));
        if (cmd[0] === 'chown') {
          const rest = cmd.slice(1).filter((x) => !x.startsWith('-'));
          for (const d of rest.slice(1)) runtime.owned.set(d, rest[0]);
        }
      }
    }
  }
  return { stages, runtime, args };
}
