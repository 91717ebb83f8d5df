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
import type { Role } from '../../../generated/graphql';
import { useCan } from '../../auth/hooks/useCan';
import { useSignOut } from '../../auth/hooks/useSignOut';
import { GlobalSearch } from '../../search/components/GlobalSearch';
import { PageFallback } from '../../ui/PageFallback';
import { DisplaySettings } from './DisplaySettings';
import { ViewerBadge } from './ViewerBadge';

/** The main navigation, in the order people use it. */
const NAV: { to: string; label: string; role?: Role }[] = [
  { to: '/', label: 'Overview' },
  { to: '/tenants', label: 'Tenants' },
  { to: '/installations', label: 'Installations' },
  { to: '/matrix', label: 'What runs where' },
  { to: '/tracks', label: 'Releases' },
  { to: '/rollouts', label: 'Rollouts' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/insights', label: 'Insights' },
  { to: '/audit', label: 'Audit log' },
  { to: '/webhooks', label: 'Webhooks', role: 'ADMIN' },
];

/** From this width (laptops) the navigation is a side bar; below it (tablets) it folds into a menu. */
const WIDE = 'lg';
const SIDEBAR_WIDTH = 200;

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const admin = useCan('ADMIN');
  return (
    <Box component="nav" aria-label="Main">
      {/* Links, not list items: a <ul> may hold only <li>. */}
      <List component="div">
        {NAV.filter((item) => item.role !== 'ADMIN' || admin).map((item) => (
          <ListItemButton
            key={item.to}
            component={NavLink}
            to={item.to}
            end={item.to === '/'}
            onClick={onNavigate}
            sx={{ '&.active': { bgcolor: 'action.selected', fontWeight: 600 } }}
          >
            <ListItemText primary={item.label} slotProps={{ primary: { sx: { fontWeight: 'inherit' } } }} />
          </ListItemButton>
        ))}
      </List>
    </Box>
  );
}

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
          <Box sx={{ flexGrow: 1 }} />
          <GlobalSearch />
          <DisplaySettings />
          <ViewerBadge />
          <Button color="inherit" variant="outlined" onClick={() => void signOut()} disabled={signingOut}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Drawer open={menuOpen} onClose={() => setMenuOpen(false)} sx={{ display: { [WIDE]: 'none' } }}>
        <Box sx={{ width: 260 }}>
          <NavList onNavigate={() => setMenuOpen(false)} />
        </Box>
      </Drawer>
      <Box sx={{ display: 'flex', flexGrow: 1 }}>
        <Box
          component="aside"
          sx={{
            display: { xs: 'none', [WIDE]: 'block' },
            width: SIDEBAR_WIDTH,
            flexShrink: 0,
            borderRight: 1,
            borderColor: 'divider',
            bgcolor: 'background.paper',
          }}
        >
          <Box sx={{ position: 'sticky', top: 64 }}>
            <NavList />
          </Box>
        </Box>
        <Container component="main" maxWidth="lg" sx={{ py: 3, flexGrow: 1, minWidth: 0 }}>
          <Suspense fallback={<PageFallback />}>
            <Outlet />
          </Suspense>
        </Container>
      </Box>
    </Box>
  );
}
