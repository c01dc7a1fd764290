#!/usr/bin/env node
/**
 * Bundles Lookout's zero-code instrumentation (instrumentation/preload/) into
 * a self-contained directory that `lookout inject DIR` copies next to an app:
 *
 *   register.js          --require entry (CommonJS apps)
 *   register.mjs         --import entry (ES module apps; also instruments require())
 *   lookout-preload.js   the OpenTelemetry SDK, instrumentations and Lookout's glue, one CJS bundle
 *   vendor/*.js          packages only some setups load (gRPC export, host metrics), one bundle
 *                        each, required on first use: V8 keeps a script's whole source in the
 *                        app's heap, so code most apps never run stays out of lookout-preload.js
 *   hook.mjs             the import-in-the-middle module loader hook (runs on Node's loader thread)
 *   lib/register.js      import-in-the-middle's registry, deliberately NOT bundled: the code the
 *                        loader hook generates imports it by URL (DIR/lib/register.js) and the
 *                        bundle require()s the same file, so both sides share one registry
 *   package.json         {"type": "commonjs"} so an app's "type": "module" never applies here
 *   THIRD-PARTY-NOTICES.txt  name, version and licence text of every bundled package
 *
 * The instrumented libraries themselves (http, express, pino, ...) are never
 * bundled: instrumentations intercept the app's own copies as it loads them.
 *
 * Usage: node scripts/build-preload.mjs [OUT_DIR]   (default dist/preload)
 */
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repoRoot, 'package.json'));

function packageVersion(name) {
  return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Every file under dir, relative to it, sorted. */
function listFiles(dir, prefix = '') {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]));
}

/** Keeps `require('./lib/register')` inside import-in-the-middle external, pointing at DIR/lib/register.js. */
const iitmRegistryExternal = {
  name: 'iitm-registry-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/lib\/register(\.js)?$/ }, (args) => {
      if (!args.importer.includes(`${path.sep}import-in-the-middle${path.sep}`)) return undefined;
      return { path: './lib/register.js', external: true };
    });
  },
};

/**
 * Packages that only some setups load: @grpc/grpc-js (with protobufjs) for
 * OTEL_EXPORTER_OTLP_PROTOCOL=grpc, systeminformation for the host-metrics
 * instrumentation (off by default). ~0.8 MB of source the default setup never runs.
 */
export const LAZY_PACKAGES = ['@grpc/grpc-js', 'systeminformation'];

const vendorFile = (name) => `vendor/${name.replace(/^@/, '').replace(/\//g, '-')}.js`;

/** Points require(<lazy package>) at its own bundle, DIR/vendor/<name>.js, loaded when first required. */
const lazyPackagesExternal = {
  name: 'lazy-packages-external',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_PACKAGES.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./${vendorFile(args.path)}`, external: true }));
  },
};

/** The package directory (node_modules/[@scope/]name) of a bundled input path, if any. */
function packageDirOf(input) {
  const parts = input.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return undefined;
  const nameParts = parts[i + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, i + 1 + nameParts).join('/');
}

/** Licence texts of every package that ended up in the bundles (their licences ask for the notice to travel with the code). */
function thirdPartyNotices(inputs) {
  const dirs = [...new Set(inputs.map(packageDirOf).filter(Boolean))].sort();
  const sections = dirs.map((dir) => {
    const abs = path.join(repoRoot, dir);
    const pkg = JSON.parse(readFileSync(path.join(abs, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(abs).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenceFile ? readFileSync(path.join(abs, licenceFile), 'utf8').trim() : `(no licence file shipped; package.json says: ${pkg.license ?? 'unknown'})`;
    return `${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n${'-'.repeat(72)}\n${text}\n`;
  });
  return `Lookout preload: third-party packages bundled into this directory\n\n${sections.join('\n')}`;
}

/**
 * @param {{ outDir?: string }} [options]
 * @returns {Promise<{ outDir: string, files: string[] }>}
 */
export async function buildPreload(options = {}) {
  const outDir = path.resolve(options.outDir ?? path.join(repoRoot, 'dist', 'preload'));
  const lookoutVersion = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'lib'), { recursive: true });

  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    legalComments: 'none',
    absWorkingDir: repoRoot,
    metafile: true,
    // V8 keeps every script's source in the app's heap: without the indentation and comments
    // the bundle is 40 % smaller and the app's heap ~5 MiB lighter. Identifiers and syntax stay
    // as written, so stack traces and class names (diagnostics name detectors, exporters) still read.
    minifyWhitespace: true,
  };
  const main = await esbuild.build({
    ...common,
    entryPoints: [path.join(repoRoot, 'instrumentation/preload/main.ts')],
    outfile: path.join(outDir, 'lookout-preload.js'),
    format: 'cjs',
    define: { __LOOKOUT_VERSION__: JSON.stringify(lookoutVersion) },
    plugins: [iitmRegistryExternal, lazyPackagesExternal],
  });
  const vendors = await Promise.all(
    LAZY_PACKAGES.map((name) =>
      esbuild.build({ ...common, entryPoints: [require.resolve(name)], outfile: path.join(outDir, vendorFile(name)), format: 'cjs' }),
    ),
  );
  const hook = await esbuild.build({
    ...common,
    entryPoints: [require.resolve('@opentelemetry/instrumentation/hook.mjs')],
    outfile: path.join(outDir, 'hook.mjs'),
    format: 'esm',
    // CommonJS dependencies of the hook (cjs-module-lexer) call require(); give ESM output one.
    banner: { js: "import { createRequire as __lookoutCreateRequire } from 'node:module'; const require = __lookoutCreateRequire(import.meta.url);" },
  });
  cpSync(require.resolve('import-in-the-middle/lib/register.js'), path.join(outDir, 'lib', 'register.js'));
  const inputs = [
    ...[main, hook, ...vendors].flatMap((b) => Object.keys(b.metafile.inputs)),
    'node_modules/import-in-the-middle/lib/register.js',
  ];
  writeFileSync(path.join(outDir, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices(inputs));
  for (const entry of ['register.js', 'register.mjs']) {
    cpSync(path.join(repoRoot, 'instrumentation/preload/entries', entry), path.join(outDir, entry));
  }
  writeFileSync(
    path.join(outDir, 'package.json'),
    JSON.stringify(
      {
        name: 'lookout-preload',
        version: lookoutVersion,
        private: true,
        type: 'commonjs',
        description: 'Lookout zero-code OpenTelemetry instrumentation: node --require ./register.js (CJS) or --import ./register.mjs (ESM)',
        lookout: {
          '@opentelemetry/sdk-node': packageVersion('@opentelemetry/sdk-node'),
          '@opentelemetry/auto-instrumentations-node': packageVersion('@opentelemetry/auto-instrumentations-node'),
          'import-in-the-middle': packageVersion('import-in-the-middle'),
        },
      },
      null,
      2,
    ) + '\n',
  );
  return { outDir, files: listFiles(outDir) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const started = Date.now();
  const { outDir, files } = await buildPreload({ outDir: process.argv[2] });
  process.stdout.write(`preload bundled into ${path.relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms: ${files.join(', ')}\n`);
}
