/**
 * Building silences for POST /api/v2/silences (Alertmanager's
 * postableSilence) from an alert's labels, and printing matchers.
 */
import { parseDuration } from './format';

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/** One editable row of the silence form. */
export interface MatcherDraft extends SilenceMatcher {
  enabled: boolean;
}

export interface SilenceDraft {
  matchers: MatcherDraft[];
  duration: string;
  createdBy: string;
  comment: string;
}

export interface PostableSilence {
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** Every label of the alert as an equality matcher, alertname first, then by name. */
export function matchersFromLabels(labels: Record<string, string>): MatcherDraft[] {
  const names = Object.keys(labels).sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)));
  return names.map((name) => ({ name, value: labels[name], isRegex: false, isEqual: true, enabled: true }));
}

/** A draft pre-filled from an alert: all its labels, two hours, the summary as a starting comment. */
export function draftFromAlert(labels: Record<string, string>, createdBy: string): SilenceDraft {
  return { matchers: matchersFromLabels(labels), duration: '2h', createdBy, comment: '' };
}

/**
 * The request body; throws an Error naming the field when the draft is not
 * valid (the API would refuse it too, but the form says why first).
 */
export function buildSilence(draft: SilenceDraft, nowMs: number): PostableSilence {
  const matchers = draft.matchers.filter((m) => m.enabled).map(({ name, value, isRegex, isEqual }) => ({ name, value, isRegex, isEqual }));
  if (matchers.length === 0) throw new Error('matchers: keep at least one matcher');
  const empty = matchers.find((m) => m.value === '' && m.isEqual && !m.isRegex);
  if (empty) throw new Error(`matchers: ${empty.name} has an empty value (it would match alerts without that label)`);
  let seconds: number;
  try {
    seconds = parseDuration(draft.duration);
  } catch (err) {
    throw new Error(`duration: ${(err as Error).message}`);
  }
  if (draft.createdBy.trim() === '') throw new Error('created by: required');
  if (draft.comment.trim() === '') throw new Error('comment: required (say why, for the next person on call)');
  return {
    matchers,
    startsAt: new Date(nowMs).toISOString(),
    endsAt: new Date(nowMs + seconds * 1000).toISOString(),
    createdBy: draft.createdBy.trim(),
    comment: draft.comment.trim(),
  };
}

/** `name="value"`, `name=~"re"`, `name!="value"`, `name!~"re"`. */
export function matcherText(m: SilenceMatcher): string {
  const op = m.isEqual ? (m.isRegex ? '=~' : '=') : (m.isRegex ? '!~' : '!=');
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
