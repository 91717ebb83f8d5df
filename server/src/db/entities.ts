import { AuditEvent } from '../audit/audit-event.entity';
import { ApiToken } from '../auth/api-token.entity';
import { Session } from '../auth/session.entity';
import { SignInThrottle } from '../auth/sign-in-throttle.entity';
import { User } from '../auth/user.entity';
import { Application } from '../modules/application/application.entity';
import { Artifact } from '../modules/application/artifact.entity';
import { ReleaseComponent } from '../modules/release/release-component.entity';
import { ReleaseTrack } from '../modules/release/release-track.entity';
import { Release } from '../modules/release/release.entity';
import { Installation } from '../modules/tenant/installation.entity';
import { Tenant } from '../modules/tenant/tenant.entity';
import { EnvironmentTier } from '../modules/tier/environment-tier.entity';
import { EventRecord } from '../events/event.entity';
import { DeploymentLogLine } from '../modules/deployment/deployment-log.entity';
import { Deployment } from '../modules/deployment/deployment.entity';
import { RunningArtifact } from '../modules/deployment/running-artifact.entity';
import { Verification } from '../modules/deployment/verification.entity';
import { RolloutTarget } from '../modules/rollout/rollout-target.entity';
import { Rollout } from '../modules/rollout/rollout.entity';
import { WebhookAttempt, WebhookMessage } from '../modules/webhook/webhook-message.entity';
import { Webhook } from '../modules/webhook/webhook.entity';
import { AttentionAcknowledgement } from '../modules/attention/attention-acknowledgement.entity';

export const entities = [
  AttentionAcknowledgement,
  Webhook,
  WebhookMessage,
  WebhookAttempt,
  AuditEvent,
  ApiToken,
  Session,
  SignInThrottle,
  User,
  Application,
  Artifact,
  ReleaseComponent,
  ReleaseTrack,
  Release,
  Installation,
  Tenant,
  EnvironmentTier,
  Rollout,
  RolloutTarget,
  Deployment,
  DeploymentLogLine,
  Verification,
  RunningArtifact,
  EventRecord,
];
