/**
 * Regex engines on the agent's matcher workloads: JavaScript's backtracking
 * RegExp (what the agent used before, for reference), re2js through
 * agent/regex (what it uses now), and the `re2` native binding when
 * RE2_NATIVE names its package folder (it is not a dependency: install it
 * in a scratch folder, `mkdir /tmp/re2cmp && cd /tmp/re2cmp && npm i re2`
 * (and `npm run install` inside node_modules/re2 if npm skipped the build),
 * then RE2_NATIVE=/tmp/re2cmp/node_modules/re2).
 *
 * Run: npx tsx bench/regex/matcher.bench.ts   (BENCH_SECONDS per case, default 1)
 */
import { RE2JS } from 're2js';
import { anchoredRegex, compileRegex } from '../../agent/regex';
import { timeLoop } from '../timing';

interface Engine { name: string; compile(anchoredSource: string): { test(s: string): boolean } }

interface NativeRe2Ctor { new (source: string, flags?: string): { test(s: string): boolean } }

function engines(): Engine[] {
  const list: Engine[] = [
    // JavaScript has no (?i) syntax: the flag is lifted out for the reference engine.
    { name: 'V8 RegExp (backtracking)', compile: (src) => jsRegExp(src) },
    { name: 're2js raw', compile: (src) => RE2JS.compile(src) },
    { name: 'agent/regex (re2js + fast paths)', compile: (src) => anchoredRegex(src.slice(4, -2)) },
  ];
  const nativePath = process.env.RE2_NATIVE;
  if (nativePath) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RE2 = require(nativePath) as NativeRe2Ctor;
    list.push({ name: 're2 native binding', compile: (src) => new RE2(src, 'u') });
  }
  return list;
}

function jsRegExp(src: string): RegExp {
  const i = src.includes('(?i)');
  // eslint-disable-next-line no-restricted-syntax -- the reference engine, benchmark only, fixed patterns
  return new RegExp(src.replace('(?i)', ''), i ? 'i' : '');
}

const VALUES = ['200', '404', '500', '503', 'GET', 'POST', 'api_requests_total', 'checkout-service-7f9c', 'Error: connection refused', 'i-0a1b2c3d4e'];
const PATTERNS = ['api', 'GET|POST|PUT', '5..', 'api_.*', '(?i)error.*', '.*service.*', '.*', 'i-[0-9a-f]{10}'];

function nsPerOp(seconds: number, fn: () => void): number {
  return 1e9 / timeLoop(fn, seconds);
}

export async function run(seconds = Number(process.env.BENCH_SECONDS ?? 1)): Promise<void> {
  const list = engines();
  console.log('label matcher test(), anchored ^(?:re)$, 10 short values round-robin (ns per call):');
  console.log(['pattern'.padEnd(16), ...list.map((e) => e.name.padStart(34))].join(''));
  for (const p of PATTERNS) {
    const cells = list.map((e) => {
      const re = e.compile(`^(?:${p})$`);
      let k = 0;
      return nsPerOp(seconds, () => { for (let i = 0; i < 100; i++) re.test(VALUES[k++ % VALUES.length]); }) / 100;
    });
    console.log([p.padEnd(16), ...cells.map((ns) => `${ns.toFixed(0)} ns`.padStart(34))].join(''));
  }

  // The issue's two reproductions; V8 only up to lengths it survives (n=18 of the second takes ~60 s).
  for (const [pattern, char, v8Max] of [['(a+)+b', 'a', 24], ['(.*.*)*X', 'y', 14]] as const) {
    console.log(`\nReDoS: ^(?:${pattern})$ against "${char}" x n (ms for one test(), compiled beforehand):`);
    for (const n of [12, 14, 20, 24, 31, 100_000]) {
      const value = char.repeat(n);
      const cells = list.map((e) => {
        if (e.name.startsWith('V8') && n > v8Max) return 'skipped';
        const re = e.compile(`^(?:${pattern})$`);
        const t0 = process.hrtime.bigint();
        re.test(value);
        return `${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2)} ms`;
      });
      console.log(`  n=${n}: ${list.map((e, i) => `${e.name}: ${cells[i]}`).join(' | ')}`);
    }
  }

  console.log('\nlogmetrics body_regex search in a 64 KiB body (µs per call):');
  const body = 'x'.repeat(65_536) + ' payment declined';
  for (const e of list) {
    const re = e.name.startsWith('agent') ? compileRegex('(?i)payment (failed|declined)') : e.compile('(?i)payment (failed|declined)');
    console.log(`  ${e.name}: ${(nsPerOp(seconds, () => re.test(body)) / 1000).toFixed(0)} µs`);
  }

  console.log('\ncompile ^(?:foo.*bar|baz[0-9]+)$ (µs):');
  for (const e of list) {
    if (e.name.startsWith('agent')) continue; // cached: the module compiles once per pattern
    console.log(`  ${e.name}: ${(nsPerOp(seconds, () => e.compile('^(?:foo.*bar|baz[0-9]+)$')) / 1000).toFixed(1)} µs`);
  }
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
