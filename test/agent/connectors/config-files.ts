/** Loads a connector's testdata file through the real config loader, as users hit it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../agent/config/load';
import type { LookoutConfig } from '../../../agent/config/schema';
import { repoRoot } from '../../helpers/repo';

export function loadConnector(connector: 'spanmetrics' | 'logmetrics', file: string): LookoutConfig['connectors'] {
  const text = readFileSync(path.join(repoRoot, 'agent/connectors', connector, 'testdata', file), 'utf8');
  const indented = text.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  return parseConfigText(`connectors:\n  ${connector}:\n${indented}\n`, file, {}).connectors;
}

export function problemsOf(connector: 'spanmetrics' | 'logmetrics', file: string): string[] {
  try {
    loadConnector(connector, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `${file}: ${String(err)}`);
    // Array indexes written as ".0" (paths are compared in that form, whichever the loader prints).
    return err.problems.map((p) => `${p.path.replace(/\[(\d+)\]/g, '.$1')}: ${p.message}`);
  }
  assert.fail(`${file} should not load`);
}
