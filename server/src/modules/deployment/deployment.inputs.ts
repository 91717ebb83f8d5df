import { ArrayMaxSize, IsEnum, IsIn, IsOptional, IsUrl, MaxLength, MinLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DeploymentStatus } from './deployment.entity';
import { VerificationStatus } from './verification.entity';

const REPORTABLE = [DeploymentStatus.IN_PROGRESS, DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED];

@InputType()
export class ReportDeploymentInput {
  @Field(() => ID)
  deploymentId: string;

  @Field(() => DeploymentStatus, { description: 'IN_PROGRESS, SUCCEEDED or FAILED.' })
  @IsIn(REPORTABLE, { message: 'status must be IN_PROGRESS, SUCCEEDED or FAILED' })
  status: DeploymentStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  message?: string | null;

  @Field(() => String, { nullable: true, description: "The driver run's page." })
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'externalUrl must be an http(s) URL' },
  )
  externalUrl?: string | null;
}

@InputType()
export class AppendDeploymentLogInput {
  @Field(() => ID)
  deploymentId: string;

  @Field(() => [String])
  @ArrayMaxSize(1000, { message: 'send at most 1000 lines at a time' })
  lines: string[];
}

@InputType()
export class RecordVerificationInput {
  @Field(() => ID)
  deploymentId: string;

  @Field(() => VerificationStatus)
  @IsEnum(VerificationStatus, { message: 'status must be PASSED or FAILED' })
  status: VerificationStatus;

  @Field({ description: 'What checked it, e.g. "jenkins e2e #5".' })
  @MinLength(1, { message: 'source must say what checked the deployment' })
  @MaxLength(200)
  source: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'url must be an http(s) URL' })
  url?: string | null;
}

@InputType()
export class DeploymentFilter {
  @Field(() => String, { nullable: true, description: 'An application slug, or its name in any case ("Billing service").' })
  applicationSlug?: string | null;

  @Field(() => String, { nullable: true, description: 'Artifact version.' })
  version?: string | null;

  @Field(() => String, { nullable: true })
  tenantSlug?: string | null;

  @Field(() => ID, { nullable: true })
  installationId?: string | null;

  @Field(() => ID, { nullable: true })
  rolloutId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Made by rollouts of this release.' })
  releaseId?: string | null;

  @Field(() => String, { nullable: true, description: 'On installations of this environment tier (its name).' })
  tier?: string | null;

  @Field(() => DeploymentStatus, { nullable: true })
  status?: DeploymentStatus | null;

  @Field(() => [DeploymentStatus], { nullable: true })
  statuses?: DeploymentStatus[] | null;

  @Field(() => Date, { nullable: true, description: 'Queued at or after.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Queued before.' })
  until?: Date | null;
}
