/** The redaction processor's public surface. */
export { redactionProcessorFactory } from './factory';
export { RedactionProcessor, type RedactionSite } from './processor';
export { Redactor, BLOCKED_KEY, MIN_SCANNED_LENGTH } from './redactor';
export { redactingAlertSink, redactingAppender } from './alert-sink';
export { redactionConfigSchema, DEFAULT_BLOCKED_KEYS, type RedactionConfig } from './config';
export { BUILTIN_PATTERN_NAMES, type BuiltinPatternName } from './patterns';
