import assert from 'node:assert/strict';
import { prefixText, textSlicer } from '../../../../agent/otlp/wire/text';
import { truncateLabelValue } from '../../../../agent/store/label-limits';

describe('otlp/wire prefixText', () => {
  it('cuts to the same label as the whole string, for any UTF-8 (valid or not) and any cut length', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    // ASCII, 2-, 3- and 4-byte characters, and stray bytes that are not valid UTF-8.
    const pieces = [Buffer.from('a'), Buffer.from('é'), Buffer.from('€'), Buffer.from('😀'), Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0x80])];
    let cut = 0;
    for (let i = 0; i < 3000; i++) {
      const keep = 1 + rand(80);
      const parts: Buffer[] = [];
      const n = rand(600);
      for (let k = 0; k < n; k++) parts.push(pieces[rand(pieces.length)]);
      const padded = Buffer.concat([Buffer.from([0x0a, 0x00]), ...parts, Buffer.from([0x12])]);
      const text = textSlicer(padded);
      const end = padded.length - 1;
      const whole = text(2, end);
      const prefix = prefixText(text, 2, end, keep);
      if (prefix.length < whole.length) cut++;
      assert.equal(truncateLabelValue(prefix, keep), truncateLabelValue(whole, keep), `case ${i}: keep ${keep}, ${end - 2} bytes`);
    }
    assert.ok(cut > 1000, `only ${cut} cases decoded a prefix`);
  });

  it('decodes everything when nothing is cut (keepChars 0)', () => {
    const b = Buffer.from('x'.repeat(70_000));
    assert.equal(prefixText(textSlicer(b), 0, b.length, 0).length, 70_000);
    assert.ok(prefixText(textSlicer(b), 0, b.length, 2048).length < 7000);
  });
});
