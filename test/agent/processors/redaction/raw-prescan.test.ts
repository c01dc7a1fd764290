/**
 * The raw pre-scan (agent/processors/redaction/raw-prescan.ts) against the
 * redaction walk itself: whenever it calls a request's bytes clean, the
 * walk over the decoded request changes nothing. Generated requests of all
 * three signals (seeded, so a failure reproduces) draw keys and values from
 * a vocabulary holding every blocked key and near misses, the leak corpus,
 * secrets of every built-in pattern inside longer strings, pieces of them,
 * non-ASCII text (KELVIN SIGN, dotted capital I), long values, nested
 * kvlists and arrays, log bodies, metric points and exemplars. Then one case
 * per rule, and what it must still call clean.
 */
import assert from 'node:assert/strict';
import { decodeProtoRequest, encodeProtoRequest } from '../../../../agent/otlp/codec';
import type { AnyValue, KeyValue, Signal, SignalData } from '../../../../agent/otlp/model';
import { DEFAULT_BLOCKED_KEYS, redactionConfigSchema, type RedactionConfig } from '../../../../agent/processors/redaction/config';
import { RawPrescan } from '../../../../agent/processors/redaction/raw-prescan';
import { Redactor } from '../../../../agent/processors/redaction/redactor';
import { redactLogs, redactMetrics, redactTraces } from '../../../../agent/processors/redaction/walk';
import { requiredLiteral } from '../../../../agent/processors/redaction/required-literal';
import { prng as rng } from '../../../compat/prometheus/dataset';
import { LEAKS, LOOKALIKES } from './corpus';

const s = (v: string): AnyValue => ({ stringValue: v } as AnyValue);
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value } as KeyValue);

const KELVIN = '\u212A';
const DOTTED_I = '\u0130';

const KEYS = [
  ...DEFAULT_BLOCKED_KEYS,
  ...DEFAULT_BLOCKED_KEYS.map((k) => `http.request.header.${k}`),
  ...DEFAULT_BLOCKED_KEYS.map((k) => k.toUpperCase()),
  ...DEFAULT_BLOCKED_KEYS.map((k) => `env.DB_${k.toUpperCase()}`),
  ...DEFAULT_BLOCKED_KEYS.map((k) => `app.${k}s`),
  ...DEFAULT_BLOCKED_KEYS.map((k) => `${k}_count`),
  ...DEFAULT_BLOCKED_KEYS.map((k) => `x${k}`),
  ...DEFAULT_BLOCKED_KEYS.filter((k) => k.includes('k')).map((k) => k.replace('k', KELVIN)),
  ...DEFAULT_BLOCKED_KEYS.filter((k) => k.includes('i')).map((k) => k.replace('i', DOTTED_I)),
  'service.name', 'http.route', 'messaging.kafka.message.key', 'gen_ai.usage.input_tokens', 'session', 'secretary', 'tokenizer',
  'hook', 'web.HOO\u212A', 'hoo\u212A', 'x.\u212A\u212A', 'x.k\u212A', 'x.\u212AK', 'hoo\u212As', 'xid', 'x.I\u0307D', 'x.\u0130d',
  'db.statement', 'key', 'passwords', 'app.internal.id', 'ssn', 'to\u212Aen', 'TO\u212AEN', 'api_\u212Aey', 'cooKie', 'pässword', '',
  ...LEAKS.flatMap((l) => (l.key ? [l.key] : [])), ...LOOKALIKES.map((l) => l.key),
];

const SECRETS = [
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'Basic YWRtaW46c3VwZXJzZWNyZXQ=', 'token 4f2a9c8e7b6d5a4f3e2d1c0b', 'ApiKey abcdefgh12345',
  'postgres://app:hunter2@db:5432/orders', 'https://ghp_0123456789abcdef0123@github.com/x', 'password=hunter2', 'Token: abc',
  '"api_key": "k1"', "PASSWORD 'pw'", "identified by 'pw'", 'IDENTIFIED\tBY "pw"', 'sig=abcdef', 'session_id => 42', 'x-api-key:  v',
  'AKIAIOSFODNN7EXAMPLE', 'ASIA0123456789ABCDEF', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'github_pat_0123456789abcdefghij_klmn',
  'xoxb-0123456789-abc', 'sk_live_0123456789abcdef', 'rk_live_0123456789ABCDEF', 'AIzaSyA-0123456789abcdefghijklmnopqrstu',
  'glpat-0123456789abcdefghij', 'npm_0123456789abcdefghijklmnopqrstuvwxyz',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----MIIE',
  '4111111111111111', '4111 1111 1111 1111', '5500-0000-0000-0004', '3782 822463 10005', '378282246310005', '6011000990139424',
  'EMP-123456', 'ssn=123-45-6789',
  ...LEAKS.flatMap((l) => (typeof l.value === 'string' ? [l.value] : l.value)),
];
const PIECES = [
  'eyJ', 'hbGciOiJ', '.', 'AKIA', 'ghp_', 'xoxb-', 'glpat-', 'sk_', 'live_', 'npm_', 'AIza', '4111', ' ', '-', '1111', '0000', '://', 'user', ':',
  'pass', 'word', '@', 'host', 'password', '=', "'", '"', 'identified', ' by ', 'PRIVATE KEY', '-----', 'BEGIN ', 'Bearer', 'basic', '\t',
  'token', 'secret', 'key', 'sig', 'api', '_', 'abcdefghijklmnopqrstuvwxyz', '0123456789', 'ABCDEFGHIJKLMNOPQRST', KELVIN, DOTTED_I, 'é', '€',
  '\u{1F600}', '\n', 'EMP-', '12345', 'ssn=', 'null',
];
const PLAIN = [
  'GET /api/v1/items/{id}', 'checkout', 'order shipped', 'SELECT * FROM orders WHERE id = ?', 'connection reset by peer', 'ok', 'a',
  'grüße aus Köln', '日本語のログ', 'kelvin 3\u212A', `${DOTTED_I}stanbul`, ...LOOKALIKES.map((l) => l.value),
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

function value(r: () => number, long: number): string {
  const x = r();
  if (x < 0.35) return pick(r, PLAIN);
  if (x < 0.5) return `${pick(r, PIECES)}${pick(r, SECRETS)}${pick(r, PIECES)}`;
  if (x < 0.55) return 'x'.repeat(long + Math.floor(r() * 3) - 1);
  let out = '';
  for (let n = 1 + Math.floor(r() * 5); n > 0; n--) out += pick(r, PIECES);
  return out;
}

function anyValue(r: () => number, long: number, depth: number): AnyValue {
  const x = r();
  if (depth < 3 && x < 0.08) return { arrayValue: { values: Array.from({ length: Math.floor(r() * 3) }, () => anyValue(r, long, depth + 1)) } } as AnyValue;
  if (depth < 3 && x < 0.16) return { kvlistValue: { values: attributes(r, long, depth + 1) } } as AnyValue;
  if (x < 0.2) return { intValue: Math.floor(r() * 1e6) } as unknown as AnyValue;
  if (x < 0.23) return { boolValue: true } as AnyValue;
  if (x < 0.26) return { bytesValue: Buffer.from(value(r, long)) } as unknown as AnyValue;
  return s(value(r, long));
}

function attributes(r: () => number, long: number, depth = 0): KeyValue[] {
  return Array.from({ length: Math.floor(r() * 4) }, () => kv(r() < 0.3 ? pick(r, KEYS) : pick(r, ['http.route', 'service.name', 'note', 'db.statement']), anyValue(r, long, depth)));
}

function request(signal: Signal, r: () => number, long: number): SignalData[Signal] {
  const resource = { attributes: attributes(r, long) };
  const scope = { name: 'lib', attributes: attributes(r, long) };
  if (signal === 'traces') {
    const spans = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
      traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: value(r, long), kind: 2, startTimeUnixNano: '1', endTimeUnixNano: '2',
      attributes: attributes(r, long),
      status: r() < 0.3 ? { code: 2, message: value(r, long) } : undefined,
      events: r() < 0.3 ? [{ name: 'exception', timeUnixNano: '1', attributes: attributes(r, long) }] : [],
      links: r() < 0.2 ? [{ traceId: Buffer.alloc(16, 3), spanId: Buffer.alloc(8, 4), attributes: attributes(r, long) }] : [],
    }));
    return { resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] } as unknown as SignalData['traces'];
  }
  if (signal === 'logs') {
    const logRecords = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
      timeUnixNano: '1', severityText: 'INFO', body: anyValue(r, long, 0), attributes: attributes(r, long),
    }));
    return { resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords }] }] } as unknown as SignalData['logs'];
  }
  const point = () => ({
    timeUnixNano: '1', asDouble: 1, attributes: attributes(r, long),
    exemplars: r() < 0.4 ? [{ timeUnixNano: '1', asDouble: 1, filteredAttributes: attributes(r, long) }] : [],
  });
  const metric = r() < 0.5
    ? { name: 'm', gauge: { dataPoints: [point(), point()] } }
    : { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ ...point(), count: '1', bucketCounts: ['1', '0'], explicitBounds: [1] }] } };
  return { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics: [metric] }] }] } as unknown as SignalData['metrics'];
}

function walk(r: Redactor, signal: Signal, data: SignalData[Signal]): number {
  const before = r.mutations;
  const steps = signal === 'traces' ? redactTraces(r, data as SignalData['traces'])
    : signal === 'logs' ? redactLogs(r, data as SignalData['logs']) : redactMetrics(r, data as SignalData['metrics']);
  while (!steps.next().done) { /* walk it all */ }
  return r.mutations - before;
}

function setup(cfg: Record<string, unknown>): { config: RedactionConfig; prescan: RawPrescan; redactor: Redactor } {
  const config = redactionConfigSchema.parse(cfg);
  const redactor = new Redactor(config);
  return { config, redactor, prescan: new RawPrescan(config, redactor.keyRules) };
}

/** The pre-scan's verdict on `data` encoded, and whether the walk changes the decoded copy. */
function judge(cfg: ReturnType<typeof setup>, signal: Signal, data: SignalData[Signal]): { maybe: boolean; changed: boolean } {
  const bytes = Buffer.from(encodeProtoRequest(signal, data));
  const maybe = cfg.prescan.mayRedact(signal, bytes);
  return { maybe, changed: walk(cfg.redactor, signal, decodeProtoRequest(signal, bytes)) > 0 };
}

const CONFIGS: Record<string, Record<string, unknown>> = {
  default: {},
  'short max_value_length, blocked_values': {
    max_value_length: 1024, blocked_values: ['EMP-[0-9]{6}', { name: 'ssn', regex: 'ssn=([0-9]{3}-[0-9]{2}-[0-9]{4})' }],
  },
  'blocked_key_patterns, non-ASCII and one-letter blocked keys': {
    blocked_keys: [...DEFAULT_BLOCKED_KEYS, 'pässword', 'x', 'kelvin', 'i\u0307d', 'hook', 'kk'], blocked_key_patterns: ['^app\\.internal\\.'],
  },
  'blocked keys ending with k or outside ASCII, without key patterns (the byte-pair filter)': {
    blocked_keys: ['token', 'pässword', 'x', 'i\u0307d', 'hook', 'kk', 'api_key'],
  },
  'a few patterns': { builtin_patterns: ['jwt', 'credit_card'], blocked_keys: ['cookie'] },
};

describe('redaction raw pre-scan: never clean when the walk would change something', () => {
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    it(`generated requests, config: ${name}`, function () {
      this.timeout(60_000);
      const c = setup(cfg);
      const r = rng(0x5eed + name.length);
      const tally = { clean: 0, maybe: 0, changed: 0 };
      for (let i = 0; i < 900; i++) {
        const signal = (['traces', 'logs', 'metrics'] as const)[i % 3];
        const data = request(signal, r, c.config.max_value_length);
        const { maybe, changed } = judge(c, signal, data);
        if (changed) assert.ok(maybe, `called clean, but the walk changed it (${signal} #${i}): ${JSON.stringify(data).slice(0, 2000)}`);
        tally[maybe ? 'maybe' : 'clean']++;
        if (changed) tally.changed++;
      }
      // Both answers occur, so the property was tested on both sides.
      assert.ok(tally.clean >= 50 && tally.changed >= 100, JSON.stringify(tally));
    });
  }

  it('every single vocabulary value and key, alone in a span attribute, a span name and a log body', () => {
    for (const cfg of Object.values(CONFIGS)) {
      const c = setup(cfg);
      const values = [...SECRETS, ...PIECES, ...PLAIN, ...SECRETS.flatMap((x) => [`a${x}b`, `_${x}_`, `${x}${KELVIN}`, ` ${x} `])];
      const one = (key: string, v: string) => {
        const traces = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: v, attributes: [kv(key, s(v))] }] }] }] } as unknown as SignalData['traces'];
        const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: s(v) }] }] }] } as unknown as SignalData['logs'];
        for (const [signal, data] of [['traces', traces], ['logs', logs]] as const) {
          const { maybe, changed } = judge(c, signal, data);
          if (changed) assert.ok(maybe, `called clean, but the walk changed ${JSON.stringify({ key, v })}`);
        }
      };
      for (const v of values) one('note', v);
      for (const key of KEYS) one(key, 'value-1');
    }
  });
});

describe('redaction raw pre-scan: each rule', () => {
  const c = setup({});
  const span = (attrs: KeyValue[], name = 'GET /x') =>
    ({ resourceSpans: [{ scopeSpans: [{ spans: [{ name, attributes: attrs }] }] }] } as unknown as SignalData['traces']);
  const verdict = (data: SignalData['traces'], cc = c) => cc.prescan.mayRedact('traces', Buffer.from(encodeProtoRequest('traces', data)));

  it('calls realistic clean telemetry clean, including look-alikes and attribute names with key, token, session', () => {
    // Not these: card-shaped numbers that fail the Luhn check, and Basic + a word (both need the decoded value to tell).
    const needWalk = new Set(['order.number', 'order.note', 'error.message']);
    const attrs = [
      ...LOOKALIKES.filter((l) => !needWalk.has(l.key)).map((l) => kv(l.key, s(l.value))),
      kv('messaging.kafka.message.key', s('order-42')), kv('gen_ai.usage.input_tokens', { intValue: 523 } as unknown as AnyValue),
      kv('session.duration', s('PT5M')), kv('http.request.header.content-type', s('application/json')), kv('user.name', s('jane')),
    ];
    assert.equal(verdict(span(attrs)), false);
  });

  for (const secret of SECRETS.filter((x) => !x.startsWith('EMP-') && !x.startsWith('ssn='))) {
    it(`finds ${JSON.stringify(secret.slice(0, 40))} inside a longer value`, () => {
      const data = span([kv('note', s(`x${secret}x`))]);
      const changed = walk(c.redactor, 'traces', decodeProtoRequest('traces', Buffer.from(encodeProtoRequest('traces', data)))) > 0;
      if (changed) assert.equal(verdict(data), true);
    });
  }

  it('blocked keys: the whole key, its last segment, a _ or - suffix, any case, U+212A KELVIN SIGN; not a longer word', () => {
    for (const key of ['token', 'http.request.header.authorization', 'env.DB_PASSWORD', 'x-api-key', 'TO\u212AEN', 'app.api_\u212Aey']) {
      assert.equal(verdict(span([kv(key, s('v'))])), true, key);
    }
    for (const key of ['gen_ai.usage.input_tokens', 'token_count', 'tokenizer', 'secretary', 'messaging.kafka.message.key']) {
      assert.equal(verdict(span([kv(key, s('v'))])), false, key);
    }
  });

  it('blocked keys written in an unusual field order (value before key) are still found', () => {
    // KeyValue{value: {string_value: "v"}, key: "token"}: what no SDK writes, but protobufjs decodes.
    const kvBytes = Buffer.concat([Buffer.from([0x12, 3, 0x0a, 1, 0x76]), Buffer.from([0x0a, 5]), Buffer.from('token')]);
    const spanBytes = Buffer.concat([Buffer.from([0x4a, kvBytes.length]), kvBytes]);
    const scopeSpans = Buffer.concat([Buffer.from([0x12, spanBytes.length]), spanBytes]);
    const resourceSpans = Buffer.concat([Buffer.from([0x12, scopeSpans.length]), scopeSpans]);
    const body = Buffer.concat([Buffer.from([0x0a, resourceSpans.length]), resourceSpans]);
    const decoded = decodeProtoRequest('traces', body);
    assert.equal(decoded.resourceSpans[0].scopeSpans[0].spans[0].attributes![0].key, 'token');
    assert.ok(walk(setup({}).redactor, 'traces', decoded) > 0);
    assert.equal(c.prescan.mayRedact('traces', body), true);
  });

  it('bytes the strict reading does not expect (a wrong wire type, a group, a length past the end) are walked', () => {
    const clean = Buffer.from(encodeProtoRequest('traces', span([kv('note', s('v'))])));
    assert.equal(c.prescan.mayRedact('traces', clean), false);
    assert.equal(c.prescan.mayRedact('traces', Buffer.concat([clean, Buffer.from([0x0b])])), true); // field 1, start group
    assert.equal(c.prescan.mayRedact('traces', Buffer.concat([clean, Buffer.from([0x08, 0x01])])), true); // resource_spans as a varint
    assert.equal(c.prescan.mayRedact('traces', clean.subarray(0, clean.length - 1)), true);
  });

  it('the decoder makes U+FFFD of an overlong encoding, never the ASCII it spells (what the pattern conditions rely on)', () => {
    // "password=" with its "p" written as the overlong C1 B0.
    const v = Buffer.concat([Buffer.from([0xc1, 0xb0]), Buffer.from('assword=hunter2')]);
    const any = Buffer.concat([Buffer.from([0x0a, v.length]), v]);
    const kvb = Buffer.concat([Buffer.from([0x0a, 4]), Buffer.from('note'), Buffer.from([0x12, any.length]), any]);
    const spanBytes = Buffer.concat([Buffer.from([0x4a, kvb.length]), kvb]);
    const ss = Buffer.concat([Buffer.from([0x12, spanBytes.length]), spanBytes]);
    const body = Buffer.concat([Buffer.from([0x0a, ss.length + 2, 0x12, ss.length]), ss]);
    const decoded = decodeProtoRequest('traces', body);
    assert.equal(decoded.resourceSpans[0].scopeSpans[0].spans[0].attributes![0].value?.stringValue, '\ufffd\ufffdassword=hunter2');
  });

  it('max_value_length: a string longer than it (in bytes) is walked, one that fits is not', () => {
    const cc = setup({ max_value_length: 1024 });
    assert.equal(verdict(span([kv('note', s('y'.repeat(1024)))]), cc), false);
    assert.equal(verdict(span([kv('note', s('y'.repeat(1025)))]), cc), true);
    assert.equal(verdict(span([], 'y'.repeat(1025)), cc), true);
  });

  it('blocked_values: looked for by a literal every match contains; without one, every request is walked', () => {
    const cc = setup({ blocked_values: ['EMP-[0-9]{6}'] });
    assert.equal(verdict(span([kv('note', s('badge EMP-123456'))]), cc), true);
    assert.equal(verdict(span([kv('note', s('badge 123456'))]), cc), false);
    assert.equal(verdict(span([kv('note', s('badge 123456'))]), setup({ blocked_values: ['(?i)emp-[0-9]{6}'] })), true);
    assert.equal(verdict(span([kv('note', s('badge 123456'))]), setup({ blocked_values: ['[0-9]{6}'] })), true);
  });

  it('blocked_key_patterns: every key goes through the key rules', () => {
    const cc = setup({ blocked_key_patterns: ['^app\\.internal\\.'] });
    assert.equal(verdict(span([kv('app.internal.id', s('v'))]), cc), true);
    assert.equal(verdict(span([kv('app.public.id', s('v'))]), cc), false);
  });

  it('ignored_keys and the hash action: keys go through the same key rules, patterns are looked for as with mask', () => {
    const cc = setup({ ignored_keys: ['token'], action: 'hash', salt: '0123456789abcdef0' });
    assert.equal(verdict(span([kv('token', s('v'))]), cc), false);
    assert.equal(verdict(span([kv('TOKEN', s('v'))]), cc), true); // ignored_keys are case-sensitive
    assert.equal(verdict(span([kv('note', s('password=hunter2'))]), cc), true);
  });
});

describe('redaction raw pre-scan: required literals of blocked_values', () => {
  const cases: [string, string | undefined][] = [
    ['EMP-[0-9]{6}', 'EMP-'], ['ssn=([0-9]{3}-[0-9]{2}-[0-9]{4})', 'ssn='], ['secret\\.value', 'secret.value'], ['abc?d', 'ab'],
    ['ab*cd', 'cd'], ['x{0,3}yz', 'yz'], ['ab+c', 'ab'], ['(?i)abc', undefined], ['a|b', undefined], ['(a|b)cd', 'cd'],
    ['[a-z]+', undefined], ['\\d{3}', undefined], ['\\x41BC', 'BC'], ['ä+bc', undefined], ['(?:ab)?cd', 'cd'], ['[]a]xy', 'xy'],
  ];
  for (const [re, want] of cases) it(`${re} -> ${String(want)}`, () => assert.equal(requiredLiteral(re), want));
});
