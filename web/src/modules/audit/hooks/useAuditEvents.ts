import { AuditEventsDocument, type AuditEventFilter } from '../../../generated/graphql';
import { usePagedList } from '../../ui/usePagedList';

export const AUDIT_PAGE_SIZE = 25;

/** The audit log for one filter, newest first: the first page, then more pages on request. */
export function useAuditEvents(filter: AuditEventFilter) {
  const list = usePagedList(AuditEventsDocument, { first: AUDIT_PAGE_SIZE, filter }, (data) => data.auditEvents);
  return { ...list, events: list.nodes };
}
