import type { ComponentType } from 'react';

/** A page of the app: where it lives and how its code is loaded (each page is its own chunk). */
export interface PageRoute {
  path: string;
  load: () => Promise<{ default: ComponentType }>;
}

/** Every page behind sign-in, in the shell; App renders them and preloadOpenedPage fetches the opened one early. */
export const PAGES: PageRoute[] = [
  { path: '/', load: () => import('./pages/OverviewPage') },
  { path: '/tenants', load: () => import('./pages/TenantsPage') },
  { path: '/tracks', load: () => import('./pages/ReleaseTracksPage') },
  { path: '/tracks/:slug', load: () => import('./pages/ReleaseTrackPage') },
  { path: '/releases/compare', load: () => import('./pages/ReleaseComparePage') },
  { path: '/releases/:id', load: () => import('./pages/ReleasePage') },
  { path: '/releases/:id/rollout', load: () => import('./pages/NewRolloutPage') },
  { path: '/rollouts', load: () => import('./pages/RolloutsPage') },
  { path: '/rollouts/:id', load: () => import('./pages/RolloutPage') },
  { path: '/tenants/:slug', load: () => import('./pages/TenantPage') },
  { path: '/installations', load: () => import('./pages/InstallationsPage') },
  { path: '/installations/:id', load: () => import('./pages/InstallationPage') },
  { path: '/matrix', load: () => import('./pages/MatrixPage') },
  { path: '/deployments', load: () => import('./pages/DeploymentsPage') },
  { path: '/artifacts/:app/:version', load: () => import('./pages/ArtifactJourneyPage') },
  { path: '/audit', load: () => import('./pages/AuditPage') },
  { path: '/webhooks', load: () => import('./pages/WebhooksPage') },
  { path: '/webhooks/:id', load: () => import('./pages/WebhookPage') },
  { path: '/insights', load: () => import('./pages/InsightsPage') },
];
