import { Initial1763850000000 } from './1763850000000-Initial';
import { RolloutEngine1763860000000 } from './1763860000000-RolloutEngine';
import { RolloutAcknowledged1763870000000 } from './1763870000000-RolloutAcknowledged';
import { DeploymentStatsIndex1763880000000 } from './1763880000000-DeploymentStatsIndex';
import { RolloutTargetStatusIndex1763880500000 } from './1763880500000-RolloutTargetStatusIndex';
import { UserDisabled1763890000000 } from './1763890000000-UserDisabled';
import { SignInThrottle1763890500000 } from './1763890500000-SignInThrottle';
import { DeploymentAttempts1763900000000 } from './1763900000000-DeploymentAttempts';
import { ReleaseFirstLockedAt1763910000000 } from './1763910000000-ReleaseFirstLockedAt';
import { RolloutPausedBy1763920000000 } from './1763920000000-RolloutPausedBy';
import { ErrorBudgetFraction1763930000000 } from './1763930000000-ErrorBudgetFraction';
import { Webhooks1764000000000 } from './1764000000000-Webhooks';
import { Archiving1764100000000 } from './1764100000000-Archiving';
import { ArtifactSortKey1764600000000 } from './1764600000000-ArtifactSortKey';
import { AttentionAcknowledgement1764800000000 } from './1764800000000-AttentionAcknowledgement';
import { WebhookFairness1764900000000 } from './1764900000000-WebhookFairness';
import { WebhookFanout1765000000000 } from './1765000000000-WebhookFanout';
import { RollbackUndoesRollout1765100000000 } from './1765100000000-RollbackUndoesRollout';
import { WebhookMessageIndexes1765200000000 } from './1765200000000-WebhookMessageIndexes';

/** Every migration, in order; applied at start. */
export const migrations = [
  Initial1763850000000,
  RolloutEngine1763860000000,
  RolloutAcknowledged1763870000000,
  DeploymentStatsIndex1763880000000,
  RolloutTargetStatusIndex1763880500000,
  UserDisabled1763890000000,
  SignInThrottle1763890500000,
  DeploymentAttempts1763900000000,
  ReleaseFirstLockedAt1763910000000,
  RolloutPausedBy1763920000000,
  ErrorBudgetFraction1763930000000,
  Webhooks1764000000000,
  Archiving1764100000000,
  ArtifactSortKey1764600000000,
  AttentionAcknowledgement1764800000000,
  WebhookFairness1764900000000,
  WebhookFanout1765000000000,
  RollbackUndoesRollout1765100000000,
  WebhookMessageIndexes1765200000000,
];
