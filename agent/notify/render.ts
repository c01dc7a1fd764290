/**
 * Rendering an integration's fields the way Alertmanager's notifiers do:
 * every field through the template set, the first error remembered and
 * the notification failed with it (Alertmanager's `tmplText` closure), so
 * a broken template is a failed, logged delivery rather than a half-empty
 * message.
 */
import type { NotificationTemplates } from '../templates/notification';
import type { GoValue } from '../templates/values';

export class TemplateRenderError extends Error {}

export interface FieldRenderer {
  text(text: string): string;
  html(text: string): string;
  /** Throws the first template error any field hit. */
  check(): void;
}

export function renderer(templates: NotificationTemplates, data: GoValue): FieldRenderer {
  let first: Error | undefined;
  const guard = (fn: () => string): string => {
    if (first) return '';
    try {
      return fn();
    } catch (err) {
      first = err as Error;
      return '';
    }
  };
  return {
    text: (text) => guard(() => templates.text(text, data)),
    html: (text) => guard(() => templates.html(text, data)),
    check: () => { if (first) throw new TemplateRenderError(`template: ${first.message}`); },
  };
}

/** Alertmanager's notify.TruncateInRunes: at most n runes, the last one "…" when cut. */
export function truncateInRunes(s: string, n: number): string {
  const runes = [...s];
  if (runes.length <= n) return s;
  return runes.slice(0, n - 1).join('') + '…';
}
