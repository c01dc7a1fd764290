/**
 * Prometheus rules in the sidecar (issue 5): the component, its HTTP API,
 * the promtool-compatible unit-test runner and config validation.
 */
export { RuleManager, systemClock, type RuleManagerOptions, type Clock } from './manager';
export { createRulesApiRouter, rulesResponse, alertsResponse, type RulesSource } from './api';
export { engineQueryFunc, engineTemplateQueryFunc } from './query-func';
export { loadRules, validateRulesConfig, readRuleFile } from './load';
export { rulesConfigSchema, type RulesConfig } from './config';
export { runRuleTests, type RuleTestResult } from './unittest';
export { transitionsToLogs } from './transitions';
export type { Alert, AlertState, AlertTransition, SentAlert } from './alert';
