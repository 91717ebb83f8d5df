import { matchPath } from 'react-router';
import { getSessionState } from './modules/auth/session';
import { PAGES } from './routes';

const shell = () => import('./modules/shell/components/AppShell');

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
  const page = PAGES.find(({ path }) => path === pathname) ?? PAGES.find(({ path }) => matchPath(path, pathname));
  if (page) void start(page.load);
}
