import { labelProblems } from '@shiplog/shared';
import { Field, InputType, ObjectType } from 'type-graphql';
import { badInput } from './errors';

@ObjectType({ description: 'A key=value label (tier=gold, region=eu, cohort=early-adopter).' })
export class Label {
  @Field()
  key: string;

  @Field()
  value: string;
}

@InputType()
export class LabelInput {
  @Field()
  key: string;

  @Field()
  value: string;
}

export function assertValidLabels(labels: readonly LabelInput[], field = 'labels'): void {
  const problems = labelProblems(labels);
  if (problems.length > 0) throw badInput(`${field}: ${problems.join('; ')}`, { problems });
}
