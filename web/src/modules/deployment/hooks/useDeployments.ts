import { DeploymentsDocument, type DeploymentFilter } from '../../../generated/graphql';
import { usePagedList } from '../../ui/usePagedList';

export const DEPLOYMENTS_PAGE_SIZE = 25;

/** The ledger for one filter, newest first: the first page, then more pages on request. */
export function useDeployments(filter: DeploymentFilter) {
  const list = usePagedList(DeploymentsDocument, { first: DEPLOYMENTS_PAGE_SIZE, filter }, (data) => data.deployments);
  return { ...list, deployments: list.nodes };
}
