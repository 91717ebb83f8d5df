import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../common/pagination';

export enum AttentionKind {
  /** Deployments failed on one installation, in any number of rollouts or outside them. */
  INSTALLATION = 'INSTALLATION',
  /** A rollout paused or failed; its failed installations counted. */
  ROLLOUT = 'ROLLOUT',
}
registerEnumType(AttentionKind, { name: 'AttentionKind' });

@ObjectType({ description: 'One item of "Needs attention": repeats of the same problem grouped, with how many.' })
export class AttentionItem {
  @Field(() => ID, { description: 'installation:<id> or rollout:<id>; what acknowledgeAttentionItem takes.' })
  key: string;

  @Field(() => AttentionKind)
  kind: AttentionKind;

  installationId: string | null;
  rolloutId: string | null;
  latestDeploymentId: string | null;

  @Field(() => Int, {
    description: 'INSTALLATION: failed deployments there since `since`; ROLLOUT: its failed installations (yours when scoped).',
  })
  count: number;

  @Field(() => Int, { nullable: true, description: 'INSTALLATION: in how many rollouts it failed.' })
  rolloutCount: number | null;

  @Field({ description: 'The latest occurrence: a later one brings an acknowledged item back.' })
  lastOccurredAt: Date;

  @Field(() => String, { nullable: true, description: 'Who acknowledged it since its latest occurrence.' })
  acknowledgedBy: string | null;

  @Field(() => Date, { nullable: true })
  acknowledgedAt: Date | null;

  @Field({ description: 'Whether the caller may acknowledge it now (OPERATOR or above; a rollout wholly in its tenants).' })
  canAcknowledge: boolean;
}

@ObjectType()
export class AttentionItemConnection extends Connection(AttentionItem) {
  @Field(() => Int, { description: 'Items acknowledged since their latest occurrence (shown with includeAcknowledged).' })
  acknowledgedCount: number;
}
