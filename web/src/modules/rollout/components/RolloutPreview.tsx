import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Fragment, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import type { PreviewRolloutQuery } from '../../../generated/graphql';
import { plural } from '../../ui/format';

type Plan = PreviewRolloutQuery['previewRollout'];
type Target = Plan['targets'][number];

interface TenantPlan {
  slug: string;
  name: string;
  targets: Target[];
  /** Per stage, how many deployments would be made and how many skipped. */
  stages: Map<number, { deploy: number; skip: number }>;
  waves: Set<number>;
}

function byTenant(plan: Plan): TenantPlan[] {
  const tenants = new Map<string, TenantPlan>();
  for (const target of plan.targets) {
    const { tenant } = target.installation;
    let entry = tenants.get(tenant.slug);
    if (!entry) {
      entry = { slug: tenant.slug, name: tenant.name, targets: [], stages: new Map(), waves: new Set() };
      tenants.set(tenant.slug, entry);
    }
    entry.targets.push(target);
    entry.waves.add(target.wave);
    for (const stage of target.stages) {
      const counts = entry.stages.get(stage.stage) ?? { deploy: 0, skip: 0 };
      for (const deployment of stage.deployments) {
        if (deployment.action === 'DEPLOY') counts.deploy += 1;
        else counts.skip += 1;
      }
      entry.stages.set(stage.stage, counts);
    }
  }
  return [...tenants.values()];
}

function StageSummary({ counts }: { counts?: { deploy: number; skip: number } }) {
  if (!counts) return <>–</>;
  return (
    <>
      {counts.deploy} to deploy
      {counts.skip > 0 && (
        <Box component="span" sx={{ color: 'text.secondary' }}>
          {' '}
          · {counts.skip} skipped
        </Box>
      )}
    </>
  );
}

function TargetDetails({ target }: { target: Target }) {
  return (
    <Box sx={{ py: 1 }}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {target.installation.name} ({target.installation.tier.name}), wave {target.wave}
        {target.requiresApproval && ' · waits for approval'}
      </Typography>
      {target.stages.map((stage) => (
        <Typography key={stage.stage} variant="body2" component="div">
          Stage {stage.stage}:{' '}
          {stage.deployments
            .map((d) =>
              d.action === 'SKIP'
                ? `${d.application.name} ${d.artifact.version} (already running, skipped)`
                : `${d.application.name} ${d.running ? `${d.running.version} → ` : ''}${d.artifact.version}`,
            )
            .join(', ')}
        </Typography>
      ))}
    </Box>
  );
}

function TenantRow({ tenant, stages }: { tenant: TenantPlan; stages: number[] }) {
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <TableRow aria-label={tenant.slug}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} installations of ${tenant.slug}`}
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden>{open ? '▾' : '▸'}</span>
          </IconButton>
        </TableCell>
        <TableCell component="th" scope="row">
          {tenant.name}
        </TableCell>
        <TableCell>{tenant.targets.length}</TableCell>
        <TableCell>{[...tenant.waves].sort((a, b) => a - b).join(', ')}</TableCell>
        {stages.map((stage) => (
          <TableCell key={stage} aria-label={`Stage ${stage}`}>
            <StageSummary counts={tenant.stages.get(stage)} />
          </TableCell>
        ))}
      </TableRow>
      <TableRow>
        <TableCell colSpan={4 + stages.length} sx={{ py: 0, borderBottom: open ? undefined : 'none' }}>
          <Collapse in={open} unmountOnExit>
            {tenant.targets.map((target) => (
              <TargetDetails key={target.installation.id} target={target} />
            ))}
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/** Where to meet each promotion rule the release does not meet yet. */
function PromotionGapLinks({ gaps, releaseId }: { gaps: Plan['promotionGaps']; releaseId: string }) {
  return (
    <Box sx={{ mt: 1 }}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        To meet the promotion rules:
      </Typography>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {gaps.map((gap) => (
          <li key={`${gap.tier}/${gap.requiredTier}`}>
            {gap.missing === 'SUCCESS' ? (
              <Link component={RouterLink} to={`/releases/${releaseId}/rollout?tier=${encodeURIComponent(gap.requiredTier)}`}>
                Roll this release out to {gap.requiredTier} first
              </Link>
            ) : (
              <Link
                component={RouterLink}
                to={`/deployments?status=SUCCEEDED&release=${releaseId}&tier=${encodeURIComponent(gap.requiredTier)}`}
              >
                Record a passed verification on a {gap.requiredTier} deployment of this release
              </Link>
            )}{' '}
            (required by {gap.tier})
          </li>
        ))}
      </ul>
    </Box>
  );
}

/** What startRollout would do: blockers first, then per tenant and stage what would be deployed or skipped. */
export function RolloutPreview({ plan, releaseId }: { plan: Plan; releaseId: string }) {
  const tenants = byTenant(plan);
  const stages = [...new Set(plan.targets.flatMap((t) => t.stages.map((s) => s.stage)))].sort((a, b) => a - b);
  return (
    <Stack spacing={2} aria-label="Rollout preview" role="region">
      {plan.blockers.length > 0 && (
        <Alert severity="error" role="alert">
          <AlertTitle>This rollout cannot start</AlertTitle>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {plan.blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
          {plan.promotionGaps.length > 0 && <PromotionGapLinks gaps={plan.promotionGaps} releaseId={releaseId} />}
        </Alert>
      )}
      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }} aria-label="Plan summary" role="group">
        <Chip label={plural(plan.targetCount, 'installation')} />
        <Chip label={plural(plan.waveCount, 'wave')} />
        <Chip color="primary" label={plural(plan.deploymentCount, 'deployment')} />
        <Chip label={`${plan.skipCount} skipped`} />
        {plan.excludedCount > 0 && <Chip color="warning" label={`${plan.excludedCount} excluded`} />}
      </Stack>
      <Box component="ol" aria-label="Waves" sx={{ m: 0, pl: 2.5 }}>
        {plan.waves.map((wave) => (
          <Typography
            component="li"
            variant="body2"
            key={wave.index}
            color={wave.targetCount === 0 ? 'error' : undefined}
            sx={{ fontWeight: wave.targetCount === 0 ? 600 : undefined }}
          >
            Wave {wave.index}: {wave.label} · {wave.targetCount === 0 ? 'empty' : plural(wave.targetCount, 'installation')}
          </Typography>
        ))}
      </Box>
      {plan.excludedCount > 0 && (
        <Alert severity="warning">
          <AlertTitle>Left out</AlertTitle>
          {plan.excluded.map((entry) => (
            <div key={entry.installation.id}>
              {entry.installation.tenant.slug} / {entry.installation.slug}: {entry.reason}
            </div>
          ))}
          {plan.excludedCount > plan.excluded.length && <div>…and {plan.excludedCount - plan.excluded.length} more</div>}
        </Alert>
      )}
      {plan.overlapCount > 0 && (
        <Alert severity="warning" role="note" aria-label="Also in another rollout">
          <AlertTitle>
            {plural(plan.overlapCount, 'installation')} {plan.overlapCount === 1 ? 'is' : 'are'} also in another unfinished
            rollout
          </AlertTitle>
          {plan.overlaps.map((overlap) => (
            <div key={`${overlap.installation.id}/${overlap.rollout.id}`}>
              {overlap.installation.tenant.slug} / {overlap.installation.slug}:{' '}
              {overlap.targetStatus.toLowerCase().replace(/_/g, ' ')} in the{' '}
              <Link component={RouterLink} to={`/rollouts/${overlap.rollout.id}`}>
                {overlap.rollout.status.toLowerCase().replace(/_/g, ' ')} rollout of {overlap.rollout.release.track.name}{' '}
                {overlap.rollout.release.version}
              </Link>
            </div>
          ))}
          {plan.overlapCount > plan.overlaps.length && <div>…and {plan.overlapCount - plan.overlaps.length} more</div>}
        </Alert>
      )}
      {plan.targetCount > plan.targets.length && (
        <Typography color="text.secondary" role="note">
          The table shows the first {plan.targets.length} of {plural(plan.targetCount, 'installation')}.
        </Typography>
      )}
      {tenants.length > 0 && (
        <TableContainer component={Paper} variant="outlined">
          <Table size="small" aria-label="Plan by tenant">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox" />
                <TableCell>Tenant</TableCell>
                <TableCell>Installations</TableCell>
                <TableCell>Waves</TableCell>
                {stages.map((stage) => (
                  <TableCell key={stage}>Stage {stage}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {tenants.map((tenant) => (
                <TenantRow key={tenant.slug} tenant={tenant} stages={stages} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Stack>
  );
}
