/**
 * Checks beyond the schema that need other files or cross references: rule
 * files, alert routing. Each section contributes its validator here, so
 * `lookout check-config` and `lookout run` agree on what is valid.
 */
import type { ConfigProblem, LoadedConfig } from './load';
import { validateRulesConfig } from '../rules';
import { validateUserinfo } from './userinfo';
import { loadAdminSecurity, AdminSecurityError } from '../admin/security';
import { validateTemplateFiles } from '../templates/notification';
import { probesPackFiles } from '../receivers/probes/rules';

export type ReferencedValidator = (loaded: LoadedConfig) => ConfigProblem[];

/** Rule files: each problem already names file, group, rule and key. */
const rules: ReferencedValidator = ({ config, baseDir }) =>
  // filelog-probes wiring: TargetDown is part of the pack when receivers.probes is set.
  validateRulesConfig(config.rules, baseDir, probesPackFiles(config.receivers.probes !== undefined)).map((message) => ({ path: 'rules.files', message }));

/** The admin port's web config file and token file. */
const admin: ReferencedValidator = ({ config, baseDir }) => {
  try {
    loadAdminSecurity(config.admin, baseDir);
    return [];
  } catch (err) {
    if (err instanceof AdminSecurityError) return err.problems;
    throw err;
  }
};

/** alerting.templates: every notification template file reads and parses. */
const alertingTemplates: ReferencedValidator = ({ config, baseDir }) => validateTemplateFiles(config.alerting.templates, baseDir);

const validators: ReferencedValidator[] = [rules, admin, validateUserinfo, alertingTemplates];

export function validateReferencedFiles(loaded: LoadedConfig): ConfigProblem[] {
  return validators.flatMap((v) => v(loaded));
}
