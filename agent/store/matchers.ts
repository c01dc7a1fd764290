/**
 * Label matcher evaluation with Prometheus' semantics: a missing label has
 * the value "", so `{a=""}` selects series without `a` and `{a!="x"}` also
 * selects series without `a`.
 */
import type { LabelMatcher } from './types';
import { anchoredRegex } from '../regex';

export type ValuePredicate = (value: string) => boolean;

/** A predicate on one label's value (the empty string standing for "absent"). */
export function matcherPredicate(m: LabelMatcher): ValuePredicate {
  switch (m.type) {
    case '=': return (v) => v === m.value;
    case '!=': return (v) => v !== m.value;
    case '=~': {
      const re = anchoredRegex(m.value);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = anchoredRegex(m.value);
      return (v) => !re.test(v);
    }
    default: throw new Error(`unknown label matcher type ${JSON.stringify((m as LabelMatcher).type)} (use =, !=, =~ or !~)`);
  }
}

/** Whether a set of labels satisfies every matcher. */
export function labelsMatch(labels: Record<string, string>, matchers: LabelMatcher[]): boolean {
  for (const m of matchers) if (!matcherPredicate(m)(labels[m.name] ?? '')) return false;
  return true;
}
