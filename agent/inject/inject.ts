/**
 * `lookout inject DIR`: writes the self-contained zero-code preload into DIR,
 * typically a volume shared with the app container (a Kubernetes emptyDir
 * filled by an init container, a docker-compose named volume), so the app
 * starts with NODE_OPTIONS="--require DIR/register.js" and needs no
 * OpenTelemetry package of its own.
 *
 * The preload is bundled at build time (scripts/build-preload.mjs ->
 * dist/preload); this only copies it, atomically per file (write + rename),
 * so an app starting concurrently never loads a half-written file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

export const PRELOAD_PACKAGE_NAME = 'lookout-preload';

export class InjectError extends Error {
  override name = 'InjectError';
}

export interface InjectOptions {
  /** The built preload to copy; default: dist/preload of this Lookout installation. */
  from?: string;
}

export interface InjectResult {
  /** Absolute paths of the files written. */
  files: string[];
}

/** dist/preload of the Lookout package this code belongs to (works from dist/ and from sources). */
export function builtPreloadDir(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lookout') return path.join(dir, 'dist', 'preload');
      } catch {
        /* not ours: keep walking up */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new InjectError(`cannot find the Lookout package above ${__dirname}, so no built preload to copy`);
    dir = up;
  }
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => (e.isDirectory() ? listFiles(root, path.join(prefix, e.name)) : Promise.resolve([path.join(prefix, e.name)]))),
  );
  return nested.flat();
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error)) return String(err);
  return e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message;
}

/** Refuses to scatter files into a directory that holds something else (an app's root, say). */
async function checkTarget(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new InjectError(`cannot write the preload into ${dir} (${describeFsError(err)}): give a writable directory`);
  }
  if (entries.length === 0) return;
  let pkgName: string | undefined;
  try {
    pkgName = (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    /* no or unreadable package.json */
  }
  if (pkgName !== PRELOAD_PACKAGE_NAME) {
    throw new InjectError(
      `refusing to write the preload into ${dir}: it is not empty and holds no earlier Lookout preload ` +
        `(found ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''}). Give an empty or dedicated directory, e.g. ${path.join(dir, 'otel')}`,
    );
  }
}

export async function injectPreload(dir: string, options: InjectOptions = {}): Promise<InjectResult> {
  const target = path.resolve(dir);
  const source = path.resolve(options.from ?? builtPreloadDir());
  if (!existsSync(path.join(source, 'lookout-preload.js')) || !existsSync(path.join(source, 'register.js'))) {
    throw new InjectError(`the preload bundle is not built (nothing at ${source}): run \`npm run build\` in the Lookout package`);
  }
  await checkTarget(target);
  try {
    await mkdir(target, { recursive: true });
    const info = await stat(target);
    if (!info.isDirectory()) throw Object.assign(new Error(`${target} is not a directory`), { code: 'ENOTDIR' });
    await access(target, constants.W_OK);
  } catch (err) {
    throw new InjectError(
      `cannot write the preload into ${target} (${describeFsError(err)}): give a writable directory, ` +
        'e.g. a volume shared with the app container',
    );
  }
  const relative = await listFiles(source);
  const written: string[] = [];
  for (const rel of relative) {
    const to = path.join(target, rel);
    const tmp = `${to}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(to), { recursive: true });
      await writeFile(tmp, await readFile(path.join(source, rel)));
      await rename(tmp, to);
    } catch (err) {
      throw new InjectError(`cannot write ${to} (${describeFsError(err)}): give a writable directory`);
    }
    written.push(to);
  }
  return { files: written };
}

export interface CommandIO {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

/** The `lookout inject DIR` command: prints what it wrote and how to use it; returns the exit code. */
export async function injectCommand(dir: string, io: CommandIO = { out: process.stdout, err: process.stderr }, options: InjectOptions = {}): Promise<number> {
  try {
    const { files } = await injectPreload(dir, options);
    const target = path.resolve(dir);
    io.out.write(
      [
        `lookout inject: wrote ${files.length} files to ${target}`,
        ...files.map((f) => `  ${f}`),
        'Start the app with:',
        `  NODE_OPTIONS="--require ${path.join(target, 'register.js')}"   # CommonJS apps`,
        `  NODE_OPTIONS="--import ${path.join(target, 'register.mjs')}"   # ES module apps`,
        'and point it at the agent with OTEL_SERVICE_NAME (and OTEL_EXPORTER_OTLP_ENDPOINT if not http://localhost:4318).',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    io.err.write(`lookout inject: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
