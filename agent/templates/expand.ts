/**
 * Alert label/annotation templates as Prometheus expands them: the text is
 * prefixed with Prometheus' variable definitions ($labels, $externalLabels,
 * $externalURL, $value), parsed once under the name "__alert_<AlertName>",
 * and executed per alert. A failing template yields Prometheus' in-band
 * "<error expanding template: ...>" text instead of failing the rule.
 */
import type { VectorSample } from '../promql/types';
import { BUILTINS } from './builtins';
import { Executor, TemplateExecError } from './exec';
import type { FuncMap } from './funcs';
import { parseTemplate, TemplateParseError, type ParsedTemplate } from './parse';
import { prometheusFuncs, type TemplateQuery } from './prometheus-funcs';
import { GoStruct, stringMap, type GoValue } from './values';

/** Exactly Prometheus' prefix, so error columns match Prometheus' messages. */
export const ALERT_TEMPLATE_PREAMBLE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

const DATA_TYPE = 'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }';

/** Function names known at parse time (the functions themselves bind per expansion). */
const FUNC_NAMES = new Set([
  ...Object.keys(BUILTINS),
  ...Object.keys(prometheusFuncs({ query: () => [], externalURL: '' })),
]);

export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}

export interface ExpandContext {
  /** Runs PromQL for the template's query function, at the rule's evaluation time. */
  query: (expr: string) => VectorSample[];
}

export function templateName(alertName: string): string {
  return `__alert_${alertName}`;
}

/** Parses a template as Prometheus' rule loader does; returns Go's parse error text, or undefined when valid. */
export function checkAlertTemplate(alertName: string, text: string): string | undefined {
  try {
    parseTemplate(templateName(alertName), ALERT_TEMPLATE_PREAMBLE + text, (n) => FUNC_NAMES.has(n));
    return undefined;
  } catch (err) {
    if (err instanceof TemplateParseError) return err.message;
    throw err;
  }
}

/** One label or annotation template of an alerting rule, parsed once. */
export class AlertTemplate {
  private readonly parsed: ParsedTemplate | undefined;
  private readonly parseError: string | undefined;
  readonly name: string;

  constructor(alertName: string, readonly text: string) {
    this.name = templateName(alertName);
    // Plain text (the common case for labels) needs no template machinery.
    if (!text.includes('{{')) return;
    try {
      this.parsed = parseTemplate(this.name, ALERT_TEMPLATE_PREAMBLE + text, (n) => FUNC_NAMES.has(n));
    } catch (err) {
      if (!(err instanceof TemplateParseError)) throw err;
      this.parseError = err.message;
    }
  }

  /** Expands for one alert; errors become Prometheus' "<error expanding template: ...>" text. */
  expand(data: AlertTemplateData, ctx: ExpandContext): string {
    if (this.parseError !== undefined) {
      return `<error expanding template: error parsing template ${this.name}: ${this.parseError}>`;
    }
    if (!this.parsed) return this.text;
    const funcs: FuncMap = {
      ...BUILTINS,
      ...prometheusFuncs({ query: ctx.query as TemplateQuery, externalURL: data.externalURL }),
    };
    const goData: GoValue = new GoStruct(DATA_TYPE, new Map<string, GoValue>([
      ['Labels', stringMap(data.labels)],
      ['ExternalLabels', stringMap(data.externalLabels)],
      ['ExternalURL', data.externalURL],
      ['Value', data.value],
    ]));
    try {
      return new Executor(this.parsed, funcs).execute(goData);
    } catch (err) {
      if (err instanceof TemplateExecError) {
        return `<error expanding template: error executing template ${this.name}: ${err.message}>`;
      }
      // A bug here must not take the rule down: report it the way Prometheus reports a panic.
      return `<error expanding template: panic expanding template ${this.name}: ${(err as Error).message}>`;
    }
  }
}

/** One-shot expansion (tests, tools). */
export function expandAlertTemplate(alertName: string, text: string, data: AlertTemplateData, ctx: ExpandContext): string {
  return new AlertTemplate(alertName, text).expand(data, ctx);
}
