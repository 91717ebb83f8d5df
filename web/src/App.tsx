import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { RequireSession } from './modules/auth/components/RequireSession';
import { PageFallback } from './modules/ui/PageFallback';
import { PAGES } from './routes';

const AppShell = lazy(() => import('./modules/shell/components/AppShell'));
const SignInPage = lazy(() => import('./pages/SignInPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const ROUTES = PAGES.map(({ path, load }) => ({ path, Page: lazy(load) }));

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
          {ROUTES.map(({ path, Page }) =>
            path === '/' ? <Route key={path} index element={<Page />} /> : <Route key={path} path={path} element={<Page />} />,
          )}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
