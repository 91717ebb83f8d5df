import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { AuditResolver } from '../audit/audit.resolver';
import { ApiTokenResolver, UserResolver, ViewerResolver } from '../auth/auth.resolver';
import { EventResolver } from '../events/event.resolver';
import { noTopicsPubSub } from '../events/pubsub';
import { ApplicationResolver, ArtifactResolver } from '../modules/application/application.resolver';
import {
  InstallationReleaseResolver,
  ReleaseComponentResolver,
  ReleaseResolver,
  ReleaseTrackResolver,
} from '../modules/release/release.resolver';
import { InstallationResolver, TenantResolver } from '../modules/tenant/tenant.resolver';
import { SearchResolver } from '../modules/search/search.resolver';
import { TierResolver } from '../modules/tier/tier.resolver';
import { ConfigurationResolver } from '../modules/configuration/configuration.resolver';
import {
  ArtifactJourneyResolver,
  DeploymentResolver,
  JourneyStepResolver,
  InstallationLedgerResolver,
  RunningApplicationResolver,
} from '../modules/deployment/deployment.resolver';
import {
  InstallationRolloutsResolver,
  RolloutPlanResolver,
  RolloutResolver,
  RolloutTargetResolver,
} from '../modules/rollout/rollout.resolver';
import { WebhookMessageResolver, WebhookResolver } from '../modules/webhook/webhook.resolver';
import {
  ApplicationSuccessRateResolver,
  InsightsResolver,
  ReleaseArrivalResolver,
  TenantSuccessRateResolver,
} from '../modules/insights/insights.resolver';
import { AttentionResolver } from '../modules/attention/attention.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const resolvers: NonEmptyArray<Function> = [
  ViewerResolver,
  UserResolver,
  ApiTokenResolver,
  TierResolver,
  TenantResolver,
  InstallationResolver,
  ApplicationResolver,
  ArtifactResolver,
  ReleaseTrackResolver,
  ReleaseResolver,
  ReleaseComponentResolver,
  AuditResolver,
  ConfigurationResolver,
  EventResolver,
  RolloutResolver,
  RolloutTargetResolver,
  InstallationRolloutsResolver,
  RolloutPlanResolver,
  DeploymentResolver,
  InstallationLedgerResolver,
  RunningApplicationResolver,
  ArtifactJourneyResolver,
  JourneyStepResolver,
  InstallationReleaseResolver,
  WebhookResolver,
  WebhookMessageResolver,
  SearchResolver,
  InsightsResolver,
  TenantSuccessRateResolver,
  ApplicationSuccessRateResolver,
  ReleaseArrivalResolver,
  AttentionResolver,
];

export async function createSchema(container?: DependencyContainer): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    container: container ? { get: (someClass): unknown => container.resolve(someClass as InjectionToken<unknown>) } : undefined,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: { forbidUnknownValues: false },
    pubSub: noTopicsPubSub,
  });
}

/** The schema as checked in at shared/schema.graphql: sorted, so the file changes only when the API does. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
