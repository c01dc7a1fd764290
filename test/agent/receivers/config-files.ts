/** Loads a receiver's testdata file through the real config loader, as users hit it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../agent/config/load';
import type { LookoutConfig } from '../../../agent/config/schema';
import { repoRoot } from '../../helpers/repo';

export function loadReceiver(receiver: 'filelog' | 'probes', file: string): LookoutConfig['receivers'] {
  const text = readFileSync(path.join(repoRoot, 'agent/receivers', receiver, 'testdata', file), 'utf8');
  const indented = text.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  return parseConfigText(`receivers:\n  otlp: { http: {} }\n  ${receiver}:\n${indented}\n`, file, {}).receivers;
}

export function receiverProblems(receiver: 'filelog' | 'probes', file: string): string[] {
  try {
    loadReceiver(receiver, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `${file}: ${String(err)}`);
    return err.problems.map((p) => `${p.path.replace(/\[(\d+)\]/g, '.$1')}: ${p.message}`);
  }
  assert.fail(`${file} should not load`);
}
