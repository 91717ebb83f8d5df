import { ArrayMaxSize, IsInt, IsOptional, MaxLength, Min } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'One parsed document of a configuration file.' })
export class ConfigurationDocumentInput {
  @Field({ description: 'The file it came from, for error messages.' })
  @MaxLength(1000)
  file: string;

  @Field(() => Int, { description: 'Its place in the file: 1 for the first document.' })
  @IsInt()
  @Min(1)
  index: number;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The document: an object with a kind (Tier, Application, ReleaseTrack, Tenant).',
  })
  content: unknown;
}

@InputType()
export class ConfigurationInput {
  @Field(() => [ConfigurationDocumentInput])
  @ArrayMaxSize(20_000)
  documents: ConfigurationDocumentInput[];

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Archive the applications, tracks, tenants and (of declared tenants that list theirs) installations the documents leave out.',
  })
  @IsOptional()
  prune?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Allow a prune of this many objects. Without it a prune of more than 10 objects, or of more than 25 % of any kind, is refused.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  pruneMax?: number | null;
}
