/**
 * `lookout check-config FILE`: exit 0 when valid, otherwise exit 1 listing
 * every problem as "path.to.key: message" (like `promtool check config`).
 * Also checks that storage.dir is a writable directory, or can be created.
 */
import { ConfigError, loadConfigFile } from '../config/load';
import { validateReferencedFiles } from '../config/referenced';
import { storageDirProblem } from '../config/storage-dir';
import path from 'node:path';

export function checkConfigCommand(file: string): number {
  try {
    const loaded = loadConfigFile(file);
    const problems = validateReferencedFiles(loaded);
    const storage = storageDirProblem(path.resolve(loaded.baseDir, loaded.config.storage.dir));
    if (storage) problems.push({ path: 'storage.dir', message: storage });
    if (problems.length) throw new ConfigError(file, problems);
    process.stdout.write(`${file}: valid\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stdout.write(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}\n`);
      for (const p of err.problems) process.stdout.write(`${p.path}: ${p.message}\n`);
      return 1;
    }
    process.stdout.write(`${file}: ${(err as Error).message}\n`);
    return 1;
  }
}
