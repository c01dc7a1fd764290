/**
 * Checks beyond the schema that need other files or cross references: rule
 * files, alert routing. Each section contributes its validator here, so
 * `lookout check-config` and `lookout run` agree on what is valid.
 */
import type { ConfigProblem, LoadedConfig } from './load';

export type ReferencedValidator = (loaded: LoadedConfig) => ConfigProblem[];

const validators: ReferencedValidator[] = [];

export function validateReferencedFiles(loaded: LoadedConfig): ConfigProblem[] {
  return validators.flatMap((v) => v(loaded));
}
