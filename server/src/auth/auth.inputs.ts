import { ArrayMaxSize, IsBoolean, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
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

function IsUsername(): PropertyDecorator {
  return Matches(/^[a-z0-9][a-z0-9._@-]{1,62}$/, {
    message: ({ property }) => `${property} must be 2-63 lowercase letters, digits, '.', '_', '@' or '-'`,
  });
}

function IsNewPassword(): PropertyDecorator {
  return (target, key) => {
    MinLength(10, { message: ({ property }) => `${property} must be at least 10 characters` })(target, key);
    MaxLength(200, { message: ({ property }) => `${property} must be at most 200 characters` })(target, key);
  };
}

@InputType()
export class CreateUserInput {
  @Field()
  @IsUsername()
  username: string;

  @Field()
  @IsNewPassword()
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

@InputType()
export class UpdateUserInput {
  @Field(() => ID, { description: 'Which user.' })
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUsername()
  username?: string | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => [String], { nullable: true, description: 'Limit the user to these tenants (replaces the list).' })
  @IsOptional()
  @ArrayMaxSize(1000)
  tenantSlugs?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the user reaches every tenant (needs an unscoped admin).' })
  @IsOptional()
  @IsBoolean()
  allTenants?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: the user can no longer sign in, and its sessions and open connections end at once.',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean | null;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @MaxLength(200)
  currentPassword: string;

  @Field()
  @IsNewPassword()
  newPassword: string;
}

@InputType()
export class ResetUserPasswordInput {
  @Field(() => ID, { description: 'Which user.' })
  id: string;

  @Field()
  @IsNewPassword()
  newPassword: string;
}
