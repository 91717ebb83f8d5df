import { ArrayMaxSize, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../common/roles';
import { IsName } from '../common/validation';

@InputType()
export class SignInInput {
  @Field()
  username: string;

  @Field()
  password: string;
}

@InputType()
export class CreateUserInput {
  @Field()
  @Matches(/^[a-z0-9][a-z0-9._@-]{1,62}$/, {
    message: "username must be 2-63 lowercase letters, digits, '.', '_', '@' or '-'",
  })
  username: string;

  @Field()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password: string;

  @Field(() => Role)
  role: Role;

  @Field(() => [String], { nullable: true, description: 'Limit the user to these tenants; leave out for every tenant.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  tenantSlugs?: string[] | null;
}

@InputType()
export class CreateApiTokenInput {
  @Field({ description: 'What the token is for, e.g. jenkins-prod.' })
  @IsName(100)
  name: string;

  @Field(() => Role)
  role: Role;

  @Field(() => [String], { nullable: true, description: 'Limit the token to these tenants; leave out for every tenant.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  tenantSlugs?: string[] | null;
}

@InputType()
export class RevokeApiTokenInput {
  @Field(() => ID)
  id: string;
}
