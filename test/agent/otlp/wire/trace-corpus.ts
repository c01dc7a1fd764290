/**
 * Random ExportTraceServiceRequest (and ExportLogsServiceRequest) bytes, written field by field (not through
 * protobufjs), so the corpus holds what an encoder never makes: fields in any
 * order, singular fields repeated, several AnyValue kinds in one value,
 * unknown fields of every wire type, 10-byte negative enums, invalid UTF-8,
 * wrong wire types for known fields, bad ids, and truncated or corrupted bytes.
 */

/** The seeded PRNG of the PromQL test data: a failing case replays from its seed. */
export { prng as rng } from '../../../compat/prometheus/dataset';

type Bytes = number[];

function varint(v: bigint): Bytes {
  let n = BigInt.asUintN(64, v);
  const out: Bytes = [];
  do {
    const b = Number(n & 127n);
    n >>= 7n;
    out.push(n ? b | 128 : b);
  } while (n);
  return out;
}

const tag = (field: number, wt: number): Bytes => varint(BigInt((field << 3) | wt));
const len = (field: number, body: Bytes): Bytes => [...tag(field, 2), ...varint(BigInt(body.length)), ...body];
const vint = (field: number, v: bigint): Bytes => [...tag(field, 0), ...varint(v)];
function fixed(field: number, v: bigint, width: 4 | 8): Bytes {
  const out = tag(field, width === 8 ? 1 : 5);
  for (let i = 0; i < width; i++) out.push(Number((BigInt.asUintN(64, v) >> BigInt(i * 8)) & 255n));
  return out;
}

export class TraceCorpus {
  constructor(private readonly r: () => number) {}

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }

  private chance(p: number): boolean {
    return this.r() < p;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  private bytes(n: number, fill?: number): Bytes {
    return Array.from({ length: n }, () => fill ?? this.int(256));
  }

  private text(): Bytes {
    // Lengths around the one-, two- and three-byte varint boundaries, now and then.
    if (this.chance(0.03)) return Array.from({ length: this.pick([127, 128, 200, 16383, 16384]) }, () => 0x61 + this.int(26));
    switch (this.int(7)) {
      case 0: return [];
      case 1: return [...Buffer.from(this.pick(['GET /cart', 'POST /pay', 'SELECT orders', 'op', '/items/{id}', 'GET']))];
      case 2: return [...Buffer.from(this.pick(['héllo wörld', '日本語のスパン', 'emoji 🚀✨', 'a\u0301e\u0301', '\u0000nul']))];
      case 3: return this.pick([[0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x61, 0x80, 0x62]]); // invalid UTF-8
      case 4: return [...Buffer.from(`v${this.int(5)}`)];
      case 5: return [...Buffer.from(String(200 + this.int(4) * 100))];
      default: return this.bytes(this.int(12));
    }
  }

  private key(): Bytes {
    const keys = ['service.name', 'service.namespace', 'service.instance.id', 'http.route', 'http.request.method', 'http.method',
      'http.response.status_code', 'http.status_code', 'custom.dim', 'host.name', 'other'];
    return this.chance(0.85) ? [...Buffer.from(this.pick(keys))] : this.text();
  }

  /** An unknown field of any wire type (field numbers beyond every OTLP message's). */
  private unknown(): Bytes {
    const f = 100 + this.int(50);
    switch (this.int(4)) {
      case 0: return vint(f, BigInt(this.int(1e9)));
      case 1: return fixed(f, BigInt(this.int(1e9)), 8);
      case 2: return fixed(f, BigInt(this.int(1e9)), 4);
      default: return len(f, this.bytes(this.int(6)));
    }
  }

  /** Fields of one message in random order, sometimes with unknown fields among them. */
  private message(fields: Bytes[]): Bytes {
    const all = [...fields];
    while (this.chance(0.1)) all.push(this.unknown());
    for (let i = all.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.flat();
  }

  anyValue(depth = 0): Bytes {
    const one = (): Bytes => {
      switch (this.int(depth > 2 ? 7 : 9)) {
        case 0: return len(1, this.text());
        case 1: return vint(2, BigInt(this.int(2)));
        case 2: return vint(3, this.pick([0n, 7n, -3n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 62n]));
        case 3: return fixed(4, BigInt.asUintN(64, BigInt(this.int(2 ** 31)) * 3n), 8);
        case 4: return len(7, this.bytes(this.int(5)));
        case 5: return [];
        case 6: return len(1, this.text());
        case 7: return len(5, this.message(Array.from({ length: this.int(3) }, () => len(1, this.anyValue(depth + 1)))));
        default: return len(6, this.message(Array.from({ length: this.int(3) }, () => len(1, this.keyValue(depth + 1)))));
      }
    };
    const fields = [one()];
    if (this.chance(0.08)) fields.push(one()); // two kinds of a oneof, or the same twice
    return this.message(fields);
  }

  keyValue(depth = 0): Bytes {
    const fields: Bytes[] = [];
    if (this.chance(0.97)) fields.push(len(1, this.key()));
    if (this.chance(0.95)) fields.push(len(2, this.anyValue(depth)));
    if (this.chance(0.03)) fields.push(len(2, this.anyValue(depth)));
    if (this.chance(0.02)) fields.push(len(1, this.key()));
    return this.message(fields);
  }

  private attributes(field: number, max: number): Bytes[] {
    return Array.from({ length: this.int(max + 1) }, () => len(field, this.keyValue()));
  }

  private id(n: number): Bytes {
    const r = this.r();
    if (r < 0.02) return this.bytes(n, 0);
    if (r < 0.04) return this.bytes(this.int(20));
    return this.bytes(n - 1).concat([1 + this.int(255)]);
  }

  private time(): bigint {
    const base = 1_700_000_000_000_000_000n + BigInt(this.int(1e9));
    switch (this.int(10)) {
      case 0: return 0n;
      case 1: return 2n ** 63n + BigInt(this.int(1e6)); // high bit set: Long's high word is negative
      default: return base;
    }
  }

  span(): Bytes {
    const fields: Bytes[] = [];
    if (this.chance(0.98)) fields.push(len(1, this.id(16)));
    if (this.chance(0.98)) fields.push(len(2, this.id(8)));
    if (this.chance(0.5)) fields.push(len(4, this.chance(0.97) ? this.id(8) : this.bytes(3)));
    if (this.chance(0.2)) fields.push(len(3, this.text()));
    if (this.chance(0.95)) fields.push(len(5, this.text()));
    if (this.chance(0.03)) fields.push(len(5, this.text()));
    if (this.chance(0.9)) fields.push(vint(6, this.chance(0.95) ? BigInt(this.int(6)) : this.pick([-1n, 9n, 2n ** 40n + 2n])));
    const start = this.time();
    fields.push(fixed(7, start, 8));
    fields.push(fixed(8, this.chance(0.9) ? start + BigInt(this.int(5e9)) : this.time(), 8));
    fields.push(...this.attributes(9, 6));
    if (this.chance(0.2)) fields.push(len(11, this.message([fixed(1, this.time(), 8), len(2, this.text()), ...this.attributes(3, 2)])));
    if (this.chance(0.2)) fields.push(len(13, this.message([len(1, this.id(16)), len(2, this.id(8)), ...this.attributes(4, 2), fixed(6, 1n, 4)])));
    if (this.chance(0.1)) fields.push(vint(10, BigInt(this.int(5))));
    if (this.chance(0.3)) fields.push(fixed(16, BigInt(this.int(512)), 4));
    const status = () => len(15, this.message([
      ...(this.chance(0.8) ? [vint(3, this.chance(0.95) ? BigInt(this.int(3)) : this.pick([-2n, 7n]))] : []),
      ...(this.chance(0.3) ? [len(2, this.text())] : []),
    ]));
    if (this.chance(0.6)) fields.push(status());
    if (this.chance(0.03)) fields.push(status());
    if (this.chance(0.01)) fields.push(vint(5, 3n)); // a known field with the wrong wire type
    return this.message(fields);
  }

  /** A log record: severities by number and by text, bodies of every kind, right and wrong id lengths. */
  logRecord(): Bytes {
    const fields: Bytes[] = [fixed(1, this.time(), 8)];
    if (this.chance(0.5)) fields.push(fixed(11, this.time(), 8));
    if (this.chance(0.7)) fields.push(vint(2, this.chance(0.9) ? BigInt(this.int(25)) : this.pick([-1n, 99n, 2n ** 35n + 9n])));
    if (this.chance(0.6)) fields.push(len(3, this.chance(0.8) ? [...Buffer.from(this.pick(['INFO', 'warning', ' Crit ', 'err', 'notice', 'x', '']))] : this.text()));
    if (this.chance(0.03)) fields.push(vint(2, BigInt(this.int(25))));
    if (this.chance(0.8)) fields.push(len(5, this.anyValue()));
    fields.push(...this.attributes(6, 4));
    if (this.chance(0.5)) fields.push(len(9, this.chance(0.95) ? this.id(16) : this.bytes(5)));
    if (this.chance(0.5)) fields.push(len(10, this.chance(0.95) ? this.id(8) : this.bytes(3)));
    if (this.chance(0.2)) fields.push(fixed(8, 1n, 4));
    if (this.chance(0.1)) fields.push(len(12, this.text()));
    if (this.chance(0.01)) fields.push(vint(3, 1n)); // a known field with the wrong wire type
    return this.message(fields);
  }

  request(item: () => Bytes = () => this.span()): Bytes {
    const resourceSpans = Array.from({ length: this.int(4) }, () => {
      const fields: Bytes[] = [];
      const resource = () => len(1, this.message([...this.attributes(1, 5), ...(this.chance(0.1) ? [vint(2, 1n)] : [])]));
      if (this.chance(0.9)) fields.push(resource());
      if (this.chance(0.05)) fields.push(resource());
      for (let i = this.int(3); i > 0; i--) {
        const scope = this.chance(0.5) ? [len(1, this.message([len(1, this.text()), len(2, this.text()), ...this.attributes(3, 1)]))] : [];
        fields.push(len(2, this.message([...scope, ...Array.from({ length: this.int(5) }, () => len(2, item()))])));
      }
      if (this.chance(0.2)) fields.push(len(3, this.text()));
      return len(1, this.message(fields));
    });
    let out = this.message(resourceSpans);
    if (this.chance(0.15)) out = this.corrupt(out);
    return out;
  }

  logsRequest(): Bytes {
    return this.request(() => this.logRecord());
  }

  private corrupt(b: Bytes): Bytes {
    if (b.length === 0) return [0x0a];
    const at = this.int(b.length);
    switch (this.int(3)) {
      case 0: return b.slice(0, at);
      case 1: return b.map((x, i) => (i === at ? this.int(256) : x));
      default: return [...b.slice(0, at), this.int(256), ...b.slice(at)];
    }
  }
}
