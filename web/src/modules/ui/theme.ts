import { createTheme } from '@mui/material/styles';

/**
 * Light and dark palettes as CSS variables; the scheme follows the system (prefers-color-scheme) unless the viewer
 * picked one in the top bar (kept in localStorage under MODE_STORAGE_KEY).
 */
export const MODE_STORAGE_KEY = 'shiplog.colorMode';

export const theme = createTheme({
  cssVariables: { colorSchemeSelector: 'data' },
  colorSchemes: {
    light: {
      palette: {
        primary: { main: '#1b4f8a' },
        secondary: { main: '#0f7b6c' },
        // Darker than the default orange, so that warning text on white and white text on a warning chip read at
        // 4.5:1 (WCAG AA).
        warning: { main: '#b45309' },
        info: { main: '#0277bd' },
        // Unselected toggle buttons and icons in this grey read at 4.5:1 on the page's background too.
        action: { active: 'rgba(0, 0, 0, 0.6)' },
        background: { default: '#f5f7fa' },
      },
    },
    dark: {
      palette: {
        primary: { main: '#8cb8f0' },
        secondary: { main: '#5fd3c0' },
        // The default red of the dark scheme is light: dark text on it reads at 4.5:1, white does not.
        error: { main: '#f44336', contrastText: 'rgba(0, 0, 0, 0.87)' },
        background: { default: '#101318', paper: '#181c23' },
      },
    },
  },
  shape: { borderRadius: 8 },
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    button: { textTransform: 'none', fontWeight: 600 },
  },
});
