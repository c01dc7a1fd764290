/**
 * Log severity as the six OTel severity ranges (logs data model):
 * 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
 * Records without a severity number (0) are classified by their severity
 * text instead ("warning" -> WARN, "critical" -> FATAL), else UNSPECIFIED.
 */

export const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];
export const UNSPECIFIED = 'UNSPECIFIED';

/** Lowest severity number of each range (TRACE=1 ... FATAL=21). */
export const SEVERITY_BASE: Record<SeverityName, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/** Common severity texts of logging libraries that are not one of the six names. */
const TEXT_ALIASES: Record<string, SeverityName> = {
  TRACE: 'TRACE', FINEST: 'TRACE', VERBOSE: 'TRACE', SILLY: 'TRACE',
  DEBUG: 'DEBUG', FINE: 'DEBUG', FINER: 'DEBUG',
  INFO: 'INFO', INFORMATION: 'INFO', NOTICE: 'INFO', HTTP: 'INFO',
  WARN: 'WARN', WARNING: 'WARN',
  ERROR: 'ERROR', ERR: 'ERROR', SEVERE: 'ERROR',
  FATAL: 'FATAL', CRITICAL: 'FATAL', CRIT: 'FATAL', ALERT: 'FATAL', EMERG: 'FATAL', EMERGENCY: 'FATAL', PANIC: 'FATAL',
};

/** The severity number to compare with (0 when unknown). */
export function severityNumberOf(num: number | undefined, text: string | undefined): number {
  if (num !== undefined && num >= 1 && num <= 24) return num;
  const name = text ? TEXT_ALIASES[text.trim().toUpperCase()] : undefined;
  return name ? SEVERITY_BASE[name] : 0;
}

/** The range name of a record's severity, or UNSPECIFIED. */
export function severityName(num: number | undefined, text: string | undefined): string {
  const n = severityNumberOf(num, text);
  return n === 0 ? UNSPECIFIED : SEVERITY_NAMES[(n - 1) >> 2];
}
