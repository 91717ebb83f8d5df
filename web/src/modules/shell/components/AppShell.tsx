import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { Suspense, useState } from 'react';
import { Link as RouterLink, NavLink, Outlet } from 'react-router';
import { useSignOut } from '../../auth/hooks/useSignOut';
import { PageFallback } from '../../ui/PageFallback';
import { ViewerBadge } from './ViewerBadge';

/** The main navigation, in the order people use it. */
const NAV: { to: string; label: string }[] = [
  { to: '/tenants', label: 'Tenants' },
  { to: '/installations', label: 'Installations' },
  { to: '/matrix', label: 'What runs where' },
  { to: '/tracks', label: 'Releases' },
  { to: '/rollouts', label: 'Rollouts' },
];

/** Below this width (tablets) the navigation folds into a menu so the bar never overflows. */
const WIDE = 'lg';

/** The frame around every signed-in page: product name, navigation, the viewer and sign-out. */
export default function AppShell() {
  const { signOut, signingOut } = useSignOut();
  const [menuOpen, setMenuOpen] = useState(false);

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <AppBar position="sticky" elevation={1}>
        <Toolbar sx={{ gap: 2 }}>
          <IconButton
            color="inherit"
            edge="start"
            aria-label="Open navigation"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen(true)}
            sx={{ display: { [WIDE]: 'none' } }}
          >
            <Box component="span" aria-hidden sx={{ fontSize: 22, lineHeight: 1 }}>
              ☰
            </Box>
          </IconButton>
          <Typography
            variant="h6"
            component={RouterLink}
            to="/"
            sx={{ color: 'inherit', textDecoration: 'none', fontWeight: 700, letterSpacing: 0.5 }}
          >
            Shiplog
          </Typography>
          <Box component="nav" aria-label="Main" sx={{ display: { xs: 'none', [WIDE]: 'flex' }, gap: 0.5, flexGrow: 1 }}>
            {NAV.map((item) => (
              <Button
                key={item.to}
                component={NavLink}
                to={item.to}
                end={item.to === '/'}
                color="inherit"
                sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}
              >
                {item.label}
              </Button>
            ))}
          </Box>
          <Box sx={{ flexGrow: 1, display: { [WIDE]: 'none' } }} />
          <ViewerBadge />
          <Button color="inherit" variant="outlined" onClick={() => void signOut()} disabled={signingOut}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Drawer open={menuOpen} onClose={() => setMenuOpen(false)}>
        <Box component="nav" aria-label="Main" sx={{ width: 260 }}>
          <List>
            {NAV.map((item) => (
              <ListItemButton
                key={item.to}
                component={NavLink}
                to={item.to}
                end={item.to === '/'}
                onClick={() => setMenuOpen(false)}
                sx={{ '&.active': { bgcolor: 'action.selected' } }}
              >
                <ListItemText primary={item.label} />
              </ListItemButton>
            ))}
          </List>
        </Box>
      </Drawer>
      <Container component="main" maxWidth="lg" sx={{ py: 3, flexGrow: 1 }}>
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </Container>
    </Box>
  );
}
