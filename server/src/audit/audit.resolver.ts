import { Args, Arg, Ctx, ObjectType, Query, Resolver } from 'type-graphql';
import { injectable } from 'tsyringe';
import { Connection, PageArgs } from '../common/pagination';
import type { Context } from '../graphql/context';
import { AuditEvent } from './audit-event.entity';
import { AuditEventFilter } from './audit.inputs';
import { AuditService } from './audit.service';

@ObjectType()
export class AuditEventConnection extends Connection(AuditEvent) {}

@injectable()
@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditEventConnection, { description: 'The audit log, newest first.' })
  auditEvents(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter,
  ) {
    return this.audit.list(access, page, filter);
  }
}
