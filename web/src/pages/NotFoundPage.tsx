import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';

export default function NotFoundPage() {
  return (
    <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
      <title>Page not found · Shiplog</title>
      <Typography variant="h4" component="h1">
        Page not found
      </Typography>
      <Typography color="text.secondary">There is nothing at this address.</Typography>
      <Button component={RouterLink} to="/tenants" variant="contained">
        Go to tenants
      </Button>
    </Stack>
  );
}
