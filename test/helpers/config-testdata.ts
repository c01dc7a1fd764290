/** Loading a component's testdata configs: the parsed config, or every problem as `path: message`. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../agent/config/load';
import { repoRoot } from './repo';

export function testdataConfigs(relDir: string, env: NodeJS.ProcessEnv = {}) {
  const dir = path.join(repoRoot, relDir);
  const load = (f: string) => parseConfigText(readFileSync(path.join(dir, f), 'utf8'), f, env);
  const problems = (f: string): string[] => {
    try {
      load(f);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
      throw e;
    }
    assert.fail(`${f} should be rejected`);
  };
  return { load, problems };
}
