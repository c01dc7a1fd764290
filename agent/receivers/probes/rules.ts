/**
 * TargetDown lives in deploy/rules/lookout-probes.rules.yaml, next to the
 * default pack, and joins it (disabled_rules and overrides apply) when
 * receivers.probes is configured.
 */
import path from 'node:path';
import { findDefaultPackPath, PROBES_PACK_FILE } from '../../rules/default-pack';

/** The probes' default-pack file, or none (probes not configured, or no pack found: loadRules reports that). */
export function probesPackFiles(probesConfigured: boolean): string[] {
  if (!probesConfigured) return [];
  try {
    return [path.join(path.dirname(findDefaultPackPath()), PROBES_PACK_FILE)];
  } catch {
    return [];
  }
}
