import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { Navigate, useLocation } from 'react-router';
import type { SignInRedirectState } from '../modules/auth/components/RequireSession';
import { SignInForm } from '../modules/auth/components/SignInForm';
import { useSignIn } from '../modules/auth/hooks/useSignIn';
import { useSession } from '../modules/auth/session';

function returnPath(state: unknown): string {
  const from = (state as SignInRedirectState | null)?.from;
  return from && from.startsWith('/') && !from.startsWith('/sign-in') ? from : '/';
}

export default function SignInPage() {
  const { session, notice } = useSession();
  const location = useLocation();
  const { signIn, signingIn, error } = useSignIn();

  if (session) return <Navigate to={returnPath(location.state)} replace />;

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2 }}>
      <title>Sign in · Shiplog</title>
      <Paper variant="outlined" sx={{ width: '100%', maxWidth: 400, p: 4 }}>
        <Typography variant="h4" component="h1" gutterBottom>
          Shiplog
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 3 }}>
          Sign in to see what runs where.
        </Typography>
        {notice && !error && (
          <Alert severity="info" sx={{ mb: 2 }}>
            {notice}
          </Alert>
        )}
        <SignInForm onSubmit={(username, password) => void signIn(username, password)} submitting={signingIn} error={error} />
      </Paper>
    </Box>
  );
}
