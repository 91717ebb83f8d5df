import { ArrayMaxSize, IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { IsName, IsReason, IsSlug } from '../../common/validation';
import { ReleaseStatus } from './release.entity';

const MAX_INSTRUCTIONS = 100_000;

@InputType()
export class CreateReleaseTrackInput {
  @Field()
  @IsSlug()
  slug: string;

  @Field()
  @IsName()
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  description?: string | null;
}

@InputType({ description: 'Which release track to archive or restore.' })
export class ReleaseTrackSlugInput {
  @Field()
  slug: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit log.' })
  @IsOptional()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType()
export class CreateReleaseInput {
  @Field()
  trackSlug: string;

  @Field({ description: 'Unique within the track; semantic versions are ordered by precedence.' })
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/, {
    message: "version must be 1-128 letters, digits, '.', '_', '+' or '-', starting with a letter or digit",
  })
  version: string;

  @Field(() => String, { nullable: true, description: 'Markdown. When cloning and left out, the source release instructions.' })
  @IsOptional()
  @MaxLength(MAX_INSTRUCTIONS)
  instructions?: string | null;

  @Field(() => ID, { nullable: true, description: 'Start from the components and instructions of this release.' })
  @IsOptional()
  cloneFromReleaseId?: string | null;
}

@InputType()
export class ReleaseComponentInput {
  @Field()
  applicationSlug: string;

  @Field(() => String, { nullable: true, description: 'May be left out while the release is a draft.' })
  @IsOptional()
  artifactVersion?: string | null;

  @Field(() => Int, { description: 'Stages deploy in order from 1.' })
  @IsInt()
  @Min(1, { message: 'stage must be 1 or more' })
  @Max(100, { message: 'stage must be at most 100' })
  stage: number;

  @Field(() => String, { nullable: true, description: 'Markdown.' })
  @IsOptional()
  @MaxLength(MAX_INSTRUCTIONS)
  instructions?: string | null;
}

@InputType()
export class SetReleaseComponentsInput {
  @Field(() => ID)
  releaseId: string;

  @Field(() => [ReleaseComponentInput], { description: 'The complete list; it replaces the current one.' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  components: ReleaseComponentInput[];
}

@InputType()
export class UpdateReleaseInstructionsInput {
  @Field(() => ID)
  releaseId: string;

  @Field({ description: 'Markdown.' })
  @MaxLength(MAX_INSTRUCTIONS)
  instructions: string;
}

@InputType()
export class LockReleaseInput {
  @Field(() => ID)
  releaseId: string;
}

@InputType()
export class DeleteReleaseInput {
  @Field(() => ID)
  releaseId: string;
}

@InputType()
export class ReleaseTransitionInput {
  @Field(() => ID)
  releaseId: string;

  @Field({ description: 'Why; recorded in the audit log.' })
  @IsReason()
  reason: string;
}

@InputType()
export class UnlockReleaseInput extends ReleaseTransitionInput {}

@InputType()
export class RescindReleaseInput extends ReleaseTransitionInput {}

@InputType()
export class ReleaseFilter {
  @Field(() => [ReleaseStatus], { nullable: true })
  statuses?: ReleaseStatus[] | null;
}
