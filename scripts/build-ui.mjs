#!/usr/bin/env node
/**
 * Builds the admin port's web UI (web/) into dist/ui:
 *
 *   index.html                 the page (served at / with Cache-Control: no-cache)
 *   assets/main-HASH.js        the page's code with uPlot, one minified ES module
 *   assets/style-HASH.css      its styles with uPlot's
 *   assets/THIRD-PARTY-NOTICES.txt  licences of the bundled packages
 *
 * Content hashes in the names let the server cache assets for a year. No
 * external URL anywhere: the page works with no network but the agent's.
 *
 * Usage: node scripts/build-ui.mjs [OUT_DIR]   (default dist/ui)
 */
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {{ outDir?: string }} [options] */
export async function buildUi(options = {}) {
  const outDir = path.resolve(options.outDir ?? path.join(repoRoot, 'dist', 'ui'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: { main: 'web/src/main.ts', style: 'web/src/style.css' },
    outdir: path.join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'error',
    metafile: true,
    define: { __LOOKOUT_VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version) },
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
  const js = outputs.find((f) => /^main-.*\.js$/.test(f));
  const css = outputs.find((f) => /^style-.*\.css$/.test(f));
  if (!js || !css) throw new Error(`build-ui: expected main-*.js and style-*.css, got ${outputs.join(', ')}`);
  const html = readFileSync(path.join(repoRoot, 'web/index.html'), 'utf8')
    .replace('%STYLE%', `/ui/assets/${css}`)
    .replace('%SCRIPT%', `/ui/assets/${js}`);
  writeFileSync(path.join(outDir, 'index.html'), html);
  const uplot = path.join(repoRoot, 'node_modules/uplot');
  const uplotPkg = JSON.parse(readFileSync(path.join(uplot, 'package.json'), 'utf8'));
  writeFileSync(path.join(outDir, 'assets', 'THIRD-PARTY-NOTICES.txt'),
    `Lookout web UI: third-party packages bundled into these assets\n\n${uplotPkg.name}@${uplotPkg.version} (${uplotPkg.license})\n${'-'.repeat(72)}\n${readFileSync(path.join(uplot, 'LICENSE'), 'utf8').trim()}\n`);
  return { outDir, files: [js, css] };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const started = Date.now();
  const { outDir, files } = await buildUi({ outDir: process.argv[2] });
  process.stdout.write(`web UI built into ${path.relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms: ${files.join(', ')}\n`);
}
