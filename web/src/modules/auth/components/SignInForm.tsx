import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';

export interface SignInFormProps {
  onSubmit: (username: string, password: string) => void;
  submitting: boolean;
  error: string | null;
}

export function SignInForm({ onSubmit, submitting, error }: SignInFormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(username.trim(), password);
  };

  return (
    <Stack component="form" spacing={2} onSubmit={handleSubmit} aria-label="Sign in">
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
      <TextField
        label="Username"
        name="username"
        autoComplete="username"
        autoFocus
        required
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" variant="contained" size="large" disabled={submitting}>
        {submitting ? 'Signing in…' : 'Sign in'}
      </Button>
    </Stack>
  );
}
