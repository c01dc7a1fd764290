/**
 * `lookout check-config FILE`: exit 0 when valid, otherwise exit 1 listing
 * every problem as "path.to.key: message" (like `promtool check config`).
 * The output passes the secret scrubber: no configured secret is printed,
 * even inside a message about it.
 * Also checks that storage.dir is a writable directory, or can be created.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfigFile, rawDocument } from '../config/load';
import { validateReferencedFiles } from '../config/referenced';
import { SecretScrubber } from '../config/scrub';
import { storageDirProblem } from '../config/storage-dir';
import path from 'node:path';
import { pipelineProblems, printPipelines } from '../service/pipelines/validate';

/** printPipelines: also print the expanded service.pipelines (the default ones when the file has none). */
export function checkConfigCommand(file: string, opts: { printPipelines?: boolean } = {}): number {
  const scrubber = new SecretScrubber();
  try {
    // Secrets are collected from the document even when it does not validate.
    scrubber.addConfig(rawDocument(readFileSync(file, 'utf8')));
  } catch {
    // unreadable: loadConfigFile reports it
  }
  const out = (line: string) => process.stdout.write(`${scrubber.scrub(line)}\n`);
  try {
    const loaded = loadConfigFile(file);
    const problems = [...validateReferencedFiles(loaded), ...pipelineProblems(loaded)];
    const storage = storageDirProblem(path.resolve(loaded.baseDir, loaded.config.storage.dir));
    if (storage) problems.push({ path: 'storage.dir', message: storage });
    if (problems.length) throw new ConfigError(file, problems);
    out(`${file}: valid`);
    if (opts.printPipelines) out(printPipelines(loaded).trimEnd());
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      out(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}`);
      for (const p of err.problems) out(`${p.path}: ${p.message}`);
      return 1;
    }
    out(`${file}: ${(err as Error).message}`);
    return 1;
  }
}
