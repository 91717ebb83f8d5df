import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { Suspense } from 'react';
import { Link as RouterLink, NavLink, Outlet } from 'react-router';
import { useSignOut } from '../../auth/hooks/useSignOut';
import { PageFallback } from '../../ui/PageFallback';
import { ViewerBadge } from './ViewerBadge';

/** The frame around every signed-in page: product name, navigation, the viewer and sign-out. */
export default function AppShell() {
  const { signOut, signingOut } = useSignOut();

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <AppBar position="sticky" elevation={1}>
        <Toolbar sx={{ gap: 2, flexWrap: 'wrap', py: { xs: 1, lg: 0 } }}>
          <Typography
            variant="h6"
            component={RouterLink}
            to="/"
            sx={{ color: 'inherit', textDecoration: 'none', fontWeight: 700, letterSpacing: 0.5 }}
          >
            Shiplog
          </Typography>
          <Box component="nav" aria-label="Main" sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, flexGrow: 1 }}>
            <Button component={NavLink} to="/" end color="inherit" sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}>
              Overview
            </Button>
            <Button component={NavLink} to="/tenants" color="inherit" sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}>
              Tenants
            </Button>
            <Button component={NavLink} to="/tracks" color="inherit" sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}>
              Releases
            </Button>
            <Button component={NavLink} to="/rollouts" color="inherit" sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}>
              Rollouts
            </Button>
            <Button
              component={NavLink}
              to="/deployments"
              color="inherit"
              sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}
            >
              Deployments
            </Button>
            <Button component={NavLink} to="/audit" color="inherit" sx={{ '&.active': { bgcolor: 'rgba(255,255,255,0.15)' } }}>
              Audit
            </Button>
          </Box>
          <ViewerBadge />
          <Button color="inherit" variant="outlined" onClick={() => void signOut()} disabled={signingOut}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Container component="main" maxWidth="lg" sx={{ py: 3, flexGrow: 1 }}>
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </Container>
    </Box>
  );
}
