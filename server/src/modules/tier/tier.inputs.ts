import { IsBoolean, IsInt, IsOptional, Matches, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

const TIER_NAME = /^[a-z][a-z0-9-]{0,30}$/;

@InputType()
export class CreateEnvironmentTierInput {
  @Field({ description: 'e.g. dev, qa, staging, prod' })
  @Matches(TIER_NAME, { message: 'name must be 1-31 lowercase letters, digits or -, starting with a letter' })
  name: string;

  @Field(() => Int, { description: 'Position in the pipeline; lower ranks come first.' })
  @IsInt()
  @Min(0, { message: 'rank must be 0 or more' })
  rank: number;

  @Field(() => [String], { nullable: true, description: 'Tiers a release must have succeeded on first.' })
  @IsOptional()
  @Matches(TIER_NAME, { each: true, message: 'requiredTiers must name tiers' })
  requiredTiers?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  requireVerification?: boolean | null;
}
