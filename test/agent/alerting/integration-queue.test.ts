import assert from 'node:assert/strict';
import { IntegrationQueue } from '../../../agent/alerting/integration-queue';

function deferred() {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('IntegrationQueue', () => {
  it('runs one delivery at a time; only the newest waiting flush runs, older ones report false', async () => {
    let idle = 0;
    const q = new IntegrationQueue(() => { idle++; });
    const first = deferred();
    const ran: string[] = [];
    const p1 = q.submit(() => { ran.push('1'); return first.promise; });
    const p2 = q.submit(async () => { ran.push('2'); return true; });
    const p3 = q.submit(async () => { ran.push('3'); return true; });
    assert.equal(q.busy, true);
    assert.equal(await p2, false, 'superseded by the third');
    assert.deepEqual(ran, ['1'], 'nothing else runs while the first is in flight');
    first.resolve(true);
    assert.equal(await p1, true);
    assert.equal(await p3, true);
    assert.deepEqual(ran, ['1', '3']);
    assert.equal(q.busy, false);
    assert.equal(idle, 1);
  });

  it('a throwing delivery counts as failed and does not block the queue', async () => {
    const q = new IntegrationQueue(() => undefined);
    assert.equal(await q.submit(async () => { throw new Error('boom'); }), false);
    assert.equal(await q.submit(async () => true), true);
  });
});
