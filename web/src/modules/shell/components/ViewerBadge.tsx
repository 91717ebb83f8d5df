import { useQuery } from '@apollo/client/react';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ViewerDocument } from '../../../generated/graphql';
import { roleLabel } from '../../auth/roles';

/** Who is signed in, and with which role. */
export function ViewerBadge() {
  const { data, loading } = useQuery(ViewerDocument);
  const viewer = data?.viewer;

  if (!viewer) {
    return loading ? <Skeleton variant="text" width={140} sx={{ bgcolor: 'rgba(255,255,255,0.2)' }} /> : null;
  }
  const scope = viewer.tenants ? `Limited to ${viewer.tenants.map((t) => t.name).join(', ') || 'no tenants'}` : 'All tenants';
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} aria-label="Signed in user" role="group" title={scope}>
      <Typography component="span" sx={{ fontWeight: 500 }}>
        {viewer.name}
      </Typography>
      <Chip
        label={roleLabel(viewer.role)}
        size="small"
        variant="outlined"
        sx={{ color: 'inherit', borderColor: 'rgba(255,255,255,0.6)' }}
      />
    </Stack>
  );
}
