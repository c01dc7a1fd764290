/** The agent's name and version, read once from package.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

function findPackageJson(): { name: string; version: string } {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
      if (pkg.name === 'lookout') return pkg;
    } catch { /* keep walking up */ }
    dir = path.dirname(dir);
  }
  return { name: 'lookout', version: '0.0.0' };
}

const pkg = findPackageJson();

export const BUILD_INFO = {
  name: pkg.name,
  version: pkg.version,
  nodeVersion: process.version,
} as const;
