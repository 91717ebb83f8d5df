import { injectable } from 'tsyringe';
import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import { Connection, PageArgs } from '../common/pagination';
import { Role } from '../common/roles';
import type { Context } from '../graphql/context';
import { Tenant } from '../modules/tenant/tenant.entity';
import { ApiToken } from './api-token.entity';
import {
  ChangePasswordInput,
  CreateApiTokenInput,
  CreateUserInput,
  ResetUserPasswordInput,
  RevokeApiTokenInput,
  SignInInput,
  UpdateUserInput,
} from './auth.inputs';
import { AuthService } from './auth.service';
import { User } from './user.entity';

export enum PrincipalKind {
  USER = 'USER',
  API_TOKEN = 'API_TOKEN',
  SYSTEM = 'SYSTEM',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

@ObjectType({ description: 'Who is calling.' })
export class Viewer {
  @Field(() => ID)
  id: string;

  @Field(() => PrincipalKind)
  kind: PrincipalKind;

  @Field({ description: 'Username or token name.' })
  name: string;

  @Field(() => Role)
  role: Role;

  tenantIds: string[] | null;
}

@ObjectType()
export class SignInPayload {
  @Field({ description: 'Send as Authorization: Bearer <token>.' })
  token: string;

  @Field()
  expiresAt: Date;

  @Field(() => User)
  user: User;
}

@ObjectType()
export class ApiTokenConnection extends Connection(ApiToken) {}

@ObjectType()
export class UserConnection extends Connection(User) {}

/** The tenants a principal is limited to, by slug; null when it reaches every tenant. */
async function tenantsOf(loaders: Context['loaders'], tenantIds: string[] | null): Promise<Tenant[] | null> {
  if (tenantIds === null) return null;
  const tenants = await loaders.tenant.loadMany(tenantIds);
  return tenants.filter((tenant): tenant is Tenant => tenant instanceof Tenant).sort((a, b) => a.slug.localeCompare(b.slug));
}

@injectable()
@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(private readonly auth: AuthService) {}

  @Query(() => Viewer)
  viewer(@Ctx() { access }: Context): Viewer {
    const principal = access.require(Role.VIEWER);
    return {
      id: principal.id,
      kind: principal.kind as PrincipalKind,
      name: principal.name,
      role: principal.role,
      tenantIds: principal.tenantIds,
    };
  }

  @FieldResolver(() => [Tenant], { nullable: true, description: 'The tenants the caller is limited to; null for every tenant.' })
  tenants(@Ctx() { loaders }: Context, @Root() viewer: Viewer) {
    return tenantsOf(loaders, viewer.tenantIds);
  }

  @Mutation(() => SignInPayload, { description: 'Starts a session; the only operation that needs no token.' })
  signIn(@Ctx() { clientAddress }: Context, @Arg('input', () => SignInInput) input: SignInInput) {
    return this.auth.signIn(input.username, input.password, clientAddress);
  }

  @Mutation(() => Boolean, { description: 'Ends the calling session.' })
  signOut(@Ctx() { access }: Context) {
    return this.auth.signOut(access);
  }

  @Mutation(() => User, { description: "Changes the caller's own password; the caller's other sessions end." })
  changePassword(@Ctx() { access, clientAddress }: Context, @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput) {
    return this.auth.changePassword(access, input, clientAddress);
  }
}

@injectable()
@Resolver(() => User)
export class UserResolver {
  constructor(private readonly auth: AuthService) {}

  @Query(() => UserConnection)
  users(@Ctx() { access }: Context, @Args(() => PageArgs) page: PageArgs) {
    return this.auth.listUsers(access, page);
  }

  @Mutation(() => User)
  createUser(@Ctx() { access }: Context, @Arg('input', () => CreateUserInput) input: CreateUserInput) {
    return this.auth.createUser(access, input);
  }

  @Mutation(() => User, {
    description: 'Changes a user: name, role, tenants, or disabled (which ends its sessions and open connections at once).',
  })
  updateUser(@Ctx() { access }: Context, @Arg('input', () => UpdateUserInput) input: UpdateUserInput) {
    return this.auth.updateUser(access, input);
  }

  @Mutation(() => User, { description: "Sets another user's password; every session of that user ends." })
  resetUserPassword(@Ctx() { access }: Context, @Arg('input', () => ResetUserPasswordInput) input: ResetUserPasswordInput) {
    return this.auth.resetUserPassword(access, input);
  }

  @FieldResolver(() => Boolean, { description: 'A disabled user cannot sign in.' })
  disabled(@Root() user: User): boolean {
    return user.disabledAt != null;
  }

  @FieldResolver(() => [Tenant], { nullable: true, description: 'The tenants the user is limited to; null for every tenant.' })
  tenants(@Ctx() { loaders }: Context, @Root() user: User) {
    return tenantsOf(loaders, user.tenantIds);
  }
}

@injectable()
@Resolver(() => ApiToken)
export class ApiTokenResolver {
  constructor(private readonly auth: AuthService) {}

  @Query(() => ApiTokenConnection)
  apiTokens(@Ctx() { access }: Context, @Args(() => PageArgs) page: PageArgs) {
    return this.auth.listApiTokens(access, page);
  }

  @Mutation(() => ApiToken, { description: 'The plaintext token is in `token`, in this response only.' })
  createApiToken(@Ctx() { access }: Context, @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput) {
    return this.auth.createApiToken(access, input);
  }

  @Mutation(() => ApiToken)
  revokeApiToken(@Ctx() { access }: Context, @Arg('input', () => RevokeApiTokenInput) input: RevokeApiTokenInput) {
    return this.auth.revokeApiToken(access, input.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The token itself: only in the createApiToken response.' })
  token(@Root() apiToken: ApiToken & { token?: string }): string | null {
    return apiToken.token ?? null;
  }

  @FieldResolver(() => [Tenant], { nullable: true, description: 'The tenants the token is limited to; null for every tenant.' })
  tenants(@Ctx() { loaders }: Context, @Root() apiToken: ApiToken) {
    return tenantsOf(loaders, apiToken.tenantIds);
  }
}
