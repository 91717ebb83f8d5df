import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { RequireSession } from './modules/auth/components/RequireSession';
import { PageFallback } from './modules/ui/PageFallback';

const AppShell = lazy(() => import('./modules/shell/components/AppShell'));
const SignInPage = lazy(() => import('./pages/SignInPage'));
const TenantsPage = lazy(() => import('./pages/TenantsPage'));
const ReleaseTracksPage = lazy(() => import('./pages/ReleaseTracksPage'));
const ReleaseTrackPage = lazy(() => import('./pages/ReleaseTrackPage'));
const ReleasePage = lazy(() => import('./pages/ReleasePage'));
const ReleaseComparePage = lazy(() => import('./pages/ReleaseComparePage'));
const RolloutsPage = lazy(() => import('./pages/RolloutsPage'));
const RolloutPage = lazy(() => import('./pages/RolloutPage'));
const NewRolloutPage = lazy(() => import('./pages/NewRolloutPage'));
const InstallationsPage = lazy(() => import('./pages/InstallationsPage'));
const TenantPage = lazy(() => import('./pages/TenantPage'));
const InstallationPage = lazy(() => import('./pages/InstallationPage'));
const MatrixPage = lazy(() => import('./pages/MatrixPage'));
const OverviewPage = lazy(() => import('./pages/OverviewPage'));
const DeploymentsPage = lazy(() => import('./pages/DeploymentsPage'));
const ArtifactJourneyPage = lazy(() => import('./pages/ArtifactJourneyPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const WebhooksPage = lazy(() => import('./pages/WebhooksPage'));
const WebhookPage = lazy(() => import('./pages/WebhookPage'));
const InsightsPage = lazy(() => import('./pages/InsightsPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export function App() {
  return (
    <Suspense fallback={<PageFallback />}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route
          element={
            <RequireSession>
              <AppShell />
            </RequireSession>
          }
        >
          <Route index element={<OverviewPage />} />
          <Route path="/tenants" element={<TenantsPage />} />
          <Route path="/tracks" element={<ReleaseTracksPage />} />
          <Route path="/tracks/:slug" element={<ReleaseTrackPage />} />
          <Route path="/releases/compare" element={<ReleaseComparePage />} />
          <Route path="/releases/:id" element={<ReleasePage />} />
          <Route path="/releases/:id/rollout" element={<NewRolloutPage />} />
          <Route path="/rollouts" element={<RolloutsPage />} />
          <Route path="/rollouts/:id" element={<RolloutPage />} />
          <Route path="/tenants/:slug" element={<TenantPage />} />
          <Route path="/installations" element={<InstallationsPage />} />
          <Route path="/installations/:id" element={<InstallationPage />} />
          <Route path="/matrix" element={<MatrixPage />} />
          <Route path="/deployments" element={<DeploymentsPage />} />
          <Route path="/artifacts/:app/:version" element={<ArtifactJourneyPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/webhooks" element={<WebhooksPage />} />
          <Route path="/webhooks/:id" element={<WebhookPage />} />
          <Route path="/insights" element={<InsightsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
