import { ApolloProvider } from '@apollo/client/react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { App } from './App';
import { createApolloClient } from './modules/apollo/client';
import { MODE_STORAGE_KEY, theme } from './modules/ui/theme';
import { preloadOpenedPage } from './preloadOpenedPage';

preloadOpenedPage(window.location.pathname);

const client = createApolloClient();
// A data router, so pages can hold back in-app navigation (useBlocker) while they have unsaved changes;
// App keeps declaring its routes with <Routes> below this one catch-all route.
const router = createBrowserRouter([{ path: '*', element: <App /> }]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <ThemeProvider theme={theme} modeStorageKey={MODE_STORAGE_KEY}>
        <CssBaseline />
        {/* Navigations render as plain updates, not transitions: a transition that keystrokes kept interrupting
            (typing right after "Clear filters") committed the old address under the field, and its late end then
            wiped what had been typed. */}
        <RouterProvider router={router} useTransitions={false} />
      </ThemeProvider>
    </ApolloProvider>
  </StrictMode>,
);
