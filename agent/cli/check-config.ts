/**
 * `lookout check-config FILE`: exit 0 when valid, otherwise exit 1 listing
 * every problem as "path.to.key: message" (like `promtool check config`).
 */
import { ConfigError, loadConfigFile } from '../config/load';
import { validateReferencedFiles } from '../config/referenced';

export function checkConfigCommand(file: string): number {
  try {
    const loaded = loadConfigFile(file);
    const problems = validateReferencedFiles(loaded);
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
