import { useApolloClient } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import {
  MatrixInstallationsDocument,
  type InstallationFilter,
  type InstallationOrder,
  type MatrixInstallationsQuery,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { matrixCsv } from '../matrixCsv';
import { matrixColumns } from './useMatrixColumns';

/** The server's default page limit: the export reads the filter in pages of this size. */
const EXPORT_PAGE = 100;

type Installation = MatrixInstallationsQuery['installations']['nodes'][number];
type Release = Parameters<typeof matrixColumns>[1];

function download(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click ran; the URL is no longer needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Downloads every installation of the filter (not only the rows loaded on screen) as CSV, reading the pages one
 * after another in the order shown.
 */
export function useMatrixExport(
  filter: InstallationFilter | null,
  orderBy: InstallationOrder,
  release: Release,
  applications: readonly string[],
) {
  const client = useApolloClient();
  const [state, setState] = useState<{ busy: boolean; loaded: number; error: string | null }>({
    busy: false,
    loaded: 0,
    error: null,
  });

  const start = useCallback(async () => {
    setState({ busy: true, loaded: 0, error: null });
    try {
      const rows: Installation[] = [];
      let after: string | null = null;
      for (;;) {
        const { data }: { data?: MatrixInstallationsQuery } = await client.query({
          query: MatrixInstallationsDocument,
          variables: { first: EXPORT_PAGE, after, filter, orderBy },
          fetchPolicy: 'no-cache',
        });
        if (!data) throw new Error('The server sent no installations');
        rows.push(...data.installations.nodes);
        setState({ busy: true, loaded: rows.length, error: null });
        if (!data.installations.pageInfo.hasNextPage) break;
        after = data.installations.pageInfo.endCursor ?? null;
      }
      download(matrixCsv(rows, matrixColumns(rows, release, applications)), 'what-runs-where.csv');
      setState({ busy: false, loaded: rows.length, error: null });
    } catch (caught) {
      setState({ busy: false, loaded: 0, error: describeError(caught) });
    }
  }, [client, filter, orderBy, release, applications]);

  return { ...state, start };
}
