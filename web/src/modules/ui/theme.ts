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
        background: { default: '#f5f7fa' },
      },
    },
    dark: {
      palette: {
        primary: { main: '#8cb8f0' },
        secondary: { main: '#5fd3c0' },
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
