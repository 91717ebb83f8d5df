import { matchPath } from 'react-router';
import { getSessionState } from './modules/auth/session';

const shell = () => import('./modules/shell/components/AppShell');

/** The code of each page by where it lives (App declares what renders there). */
const PAGES: [string, () => Promise<unknown>][] = [
  ['/', () => import('./pages/OverviewPage')],
  ['/tenants', () => import('./pages/TenantsPage')],
  ['/tenants/:slug', () => import('./pages/TenantPage')],
  ['/installations', () => import('./pages/InstallationsPage')],
  ['/installations/:id', () => import('./pages/InstallationPage')],
  ['/matrix', () => import('./pages/MatrixPage')],
  ['/deployments', () => import('./pages/DeploymentsPage')],
  ['/tracks', () => import('./pages/ReleaseTracksPage')],
  ['/tracks/:slug', () => import('./pages/ReleaseTrackPage')],
  ['/releases/compare', () => import('./pages/ReleaseComparePage')],
  ['/releases/:id', () => import('./pages/ReleasePage')],
  ['/releases/:id/rollout', () => import('./pages/NewRolloutPage')],
  ['/rollouts', () => import('./pages/RolloutsPage')],
  ['/rollouts/:id', () => import('./pages/RolloutPage')],
  ['/artifacts/:app/:version', () => import('./pages/ArtifactJourneyPage')],
  ['/audit', () => import('./pages/AuditPage')],
  ['/webhooks', () => import('./pages/WebhooksPage')],
  ['/webhooks/:id', () => import('./pages/WebhookPage')],
];

/**
 * Starts fetching the code of the shell and of the page the browser opened beside the entry's. Left to the lazy
 * routes, the shell's code is found only once the entry ran, and the page's only once the shell rendered: three
 * round trips one after another before the page can ask for its data. Importing a module again costs nothing (the
 * same promise answers), so the routes' own lazy imports pick up what this started.
 */
export function preloadOpenedPage(pathname: string): void {
  const start = (load: () => Promise<unknown>) =>
    // Should the network fail here, the route's own import tries again and shows the failure.
    load().catch(() => undefined);
  if (pathname === '/sign-in' || !getSessionState().session) {
    void start(() => import('./pages/SignInPage'));
    return;
  }
  void start(shell);
  // A literal path such as /releases/compare wins over a pattern that would match it too.
  const page = PAGES.find(([pattern]) => pattern === pathname) ?? PAGES.find(([pattern]) => matchPath(pattern, pathname));
  if (page) void start(page[1]);
}
