import { useQuery } from '@apollo/client/react';
import { LabelSuggestionsDocument, type LabelOwner } from '../../../generated/graphql';
import { useDebounced } from '../../ui/useDebounced';

/**
 * key=value labels in use on tenants or installations that contain `typed`, most used first, asked for once typing
 * pauses. Any label may still be typed; these make a typo ("cohort=earyadopter") less likely.
 */
export function useLabelSuggestions(of: LabelOwner, typed: string): string[] {
  const search = useDebounced(typed.trim());
  const { data } = useQuery(LabelSuggestionsDocument, { variables: { of, search: search || null } });
  return (data?.labelSuggestions ?? []).map((label) => `${label.key}=${label.value}`);
}

/**
 * The suggestions that contain what is typed now: the server searched for the text as it was when typing paused,
 * so suggestions for an older text that no longer match are left out and ArrowDown and Enter never pick one. A
 * label typed in full is not offered again (the list closes instead of covering the fields below).
 */
export function matchingLabels(suggestions: readonly string[], typed: string): string[] {
  const wanted = typed.trim().toLowerCase();
  return suggestions.filter((label) => label.toLowerCase() !== wanted && label.toLowerCase().includes(wanted));
}
