import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { consoleLineFor, echoAgentLines } from '../../../deploy/demo-app/agent-console';

describe('npm start: agent lines echoed on the console', () => {
  it('alert notifications of the built-in log receiver and warnings, nothing else', () => {
    assert.equal(consoleLineFor(JSON.stringify({ level: 'warn', component: 'alerting/log', msg: '[FIRING:1] HighErrorRate: shop: 9% of requests fail' })),
      'ALERT [FIRING:1] HighErrorRate: shop: 9% of requests fail');
    assert.equal(consoleLineFor(JSON.stringify({ level: 'warn', msg: 'alerting rules are loaded but nothing routes their alerts' })),
      'agent warn: alerting rules are loaded but nothing routes their alerts');
    assert.equal(consoleLineFor(JSON.stringify({ level: 'info', msg: 'lookout is running' })), undefined);
    assert.equal(consoleLineFor('not json'), undefined);
  });

  it('splits a stream into lines across chunk boundaries', () => {
    const stream = new PassThrough();
    const out: string[] = [];
    echoAgentLines(stream, (l) => out.push(l));
    const line = JSON.stringify({ level: 'warn', component: 'alerting/log', msg: '[RESOLVED] X: y' });
    stream.write(line.slice(0, 10));
    stream.write(`${line.slice(10)}\n${JSON.stringify({ level: 'info', msg: 'quiet' })}\n`);
    assert.deepEqual(out, ['ALERT [RESOLVED] X: y\n']);
  });
});
