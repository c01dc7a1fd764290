/**
 * AttributeCursor over hand-laid KeyValue bytes, table-driven: the layout
 * every SDK writes (read by its plain fast path) and the ones it leaves to
 * the field-by-field loop (value first, repeated or missing fields, unknown
 * fields, lengths of three bytes) give what protobufjs decodes; the strict
 * scan accepts each of them, and refuses plain-looking ones whose lengths
 * do not nest.
 */
import assert from 'node:assert/strict';
import { requestType } from '../../../../agent/otlp/root';
import { anyValueToString } from '../../../../agent/otlp/values';
import type { KeyValue } from '../../../../agent/otlp/model';
import { AttributeCursor } from '../../../../agent/otlp/wire/attributes';
import { asBuffer } from '../../../../agent/otlp/wire/reader';
import { textSlicer } from '../../../../agent/otlp/wire/text';
import { scanTraceRequest } from '../../../../agent/otlp/wire/traces';

type Bytes = number[];
function varint(n: number): Bytes {
  const out: Bytes = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
const len = (field: number, body: Bytes): Bytes => [(field << 3) | 2, ...varint(body.length), ...body];
const str = (s: string): Bytes => [...Buffer.from(s)];
const stringValue = (s: string) => len(1, str(s));

const CASES: { name: string; kv: Bytes }[] = [
  { name: 'key and string value (the SDK layout)', kv: [...len(1, str('http.route')), ...len(2, stringValue('/cart'))] },
  { name: 'a value of 200 bytes (two-byte lengths)', kv: [...len(1, str('k')), ...len(2, stringValue('v'.repeat(200)))] },
  { name: 'a value of 20 000 bytes (three-byte lengths)', kv: [...len(1, str('k')), ...len(2, stringValue('w'.repeat(20_000)))] },
  { name: 'a key of 130 bytes', kv: [...len(1, str('x'.repeat(130))), ...len(2, stringValue('v'))] },
  { name: 'key only', kv: len(1, str('flag')) },
  { name: 'value only', kv: len(2, stringValue('orphan')) },
  { name: 'empty key, empty value', kv: [...len(1, []), ...len(2, [])] },
  { name: 'value before key', kv: [...len(2, stringValue('late')), ...len(1, str('k'))] },
  { name: 'key twice: the last wins', kv: [...len(1, str('first')), ...len(2, stringValue('v')), ...len(1, str('second'))] },
  { name: 'value twice: the last wins', kv: [...len(1, str('k')), ...len(2, stringValue('a')), ...len(2, stringValue('b'))] },
  { name: 'an unknown field after the value', kv: [...len(1, str('k')), ...len(2, stringValue('v')), 0x78, 0x01] },
  { name: 'an int value', kv: [...len(1, str('n')), ...len(2, [0x18, 0x2a])] },
];

/** Every case as an attribute of a Span (field 9) and of a Resource (field 1), among others. */
function check(field: number, typeName: string): void {
  const type = requestType('traces').root.lookupType(typeName);
  const bytes = asBuffer(Uint8Array.from(CASES.flatMap((c) => len(field, c.kv))));
  const decoded = (type.decode(bytes) as unknown as { attributes: KeyValue[] }).attributes;
  const cursor = new AttributeCursor(bytes, textSlicer(bytes));
  cursor.reset(0, bytes.length, field);
  for (const [i, c] of CASES.entries()) {
    assert.ok(cursor.next(), c.name);
    assert.deepEqual([cursor.key(), cursor.value()], [decoded[i].key ?? '', anyValueToString(decoded[i].value)], c.name);
  }
  assert.equal(cursor.next(), false);
}

describe('AttributeCursor: KeyValue layouts against protobufjs', () => {
  it('a span\'s attributes (field 9)', () => check(9, 'opentelemetry.proto.trace.v1.Span'));
  it('a resource\'s attributes (field 1)', () => check(1, 'opentelemetry.proto.resource.v1.Resource'));
});

/** One span (valid ids) whose attributes are the given KeyValue bodies, in a whole request. */
function requestWith(kvs: Bytes[]): Buffer {
  const span = [...len(1, Array(16).fill(1)), ...len(2, Array(8).fill(2)), ...len(5, str('op')), ...kvs.flatMap((kv) => len(9, kv))];
  return Buffer.from(len(1, len(2, len(2, span))));
}

describe('the strict scan on KeyValue layouts', () => {
  it('accepts every well-formed layout above, as protobufjs decodes them', () => {
    for (const c of CASES) assert.deepEqual(scanTraceRequest(requestWith([c.kv])), { items: 1, valid: true }, c.name);
  });

  const key = len(1, str('k'));
  const MALFORMED: { name: string; kv: Bytes }[] = [
    { name: 'the string runs past its AnyValue', kv: [...key, 0x12, 0x03, 0x0a, 0x05, 0x61, 0x62, 0x63] },
    { name: 'the string ends before its AnyValue (a stray byte after it)', kv: [...key, 0x12, 0x04, 0x0a, 0x01, 0x61, 0x00] },
    { name: 'the key runs past the KeyValue', kv: [0x0a, 0x09, 0x6b] },
    { name: 'a two-byte string length past the AnyValue', kv: [...key, 0x12, 0x04, 0x0a, 0x81, 0x01, 0x61] },
  ];
  for (const c of MALFORMED) {
    it(`refuses a plain-looking KeyValue whose lengths do not nest: ${c.name}`, () => {
      assert.equal(scanTraceRequest(requestWith([c.kv])), undefined);
    });
  }
});
