/**
 * Prometheus' Go text/template dialect for alert labels and annotations,
 * interpreted as data (no eval, no code generation). See README.md.
 */
export {
  AlertTemplate, checkAlertTemplate, expandAlertTemplate, templateName, ALERT_TEMPLATE_PREAMBLE,
  type AlertTemplateData, type ExpandContext,
} from './expand';
export { parseTemplate, TemplateParseError, type ParsedTemplate } from './parse';
export { Executor, TemplateExecError } from './exec';
export { formatFloat } from './gofloat';
export { sprintf, sprint, formatValue, formatGoTime } from './gofmt';
export { goQuote } from '../format/goquote';
export { humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp } from './humanize';
