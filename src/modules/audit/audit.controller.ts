import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisReply } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { OwnTransaction, ScopedReads } from '../../platform/database/own-transaction.js';
import { csvLine, CSV_COLUMNS, decodeCursor } from './audit-format.js';
import type { AuditFilter } from './audit.repository.js';
import {
  adminAuditQuerySchema,
  auditPageSchema,
  auditQuerySchema,
  exportQuerySchema,
  verifySchema,
  type AdminAuditQuery,
  type AuditQuery,
  type ExportQuery,
} from './audit.schemas.js';
import { AuditService } from './audit.service.js';

const adminExportSchema = exportQuerySchema.extend({ team: adminAuditQuerySchema.shape.team });

@ApiTags('audit')
@Controller()
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get('api/v1/teams/:team/audit-events')
  @RequireRole('auditor')
  @ApiOperation({
    summary: "The team's audit events, newest first (auditor, team_owner, admin)",
    description:
      'Every state-changing request (POST, PUT, PATCH, DELETE) is one event: `success`, `denied` (refused by authentication, role, scope, team membership or rate limit; a refused credential is `auth.denied` in the global chain) or `error`. Reads are not recorded. ' +
      'Events of actions outside any team (creating or deleting a team, granting admin) are in the global chain: `GET /api/v1/audit-events?team=global` (admin). ' +
      '`actor` matches a user email, a user id, or an `mk_` key prefix. `since` is inclusive, `until` exclusive. Pages are keyset-paginated: pass `next_cursor` back as `cursor`. ' +
      '`hash` = sha256(`prev_hash` ‖ the canonical JSON of the event), per team; `…/verify` names the first link that does not hold.',
  })
  @ZodQuery(auditQuerySchema)
  @ZodResponse(200, auditPageSchema)
  @ScopedReads() // the page is one read in the team's scope (AuditRepository.pageRows); an actor's email is looked up in that read
  async list(
    @CurrentTeam() team: TeamContext,
    @Query(new ZodPipe(auditQuerySchema, 'query')) q: AuditQuery,
    @Res({ passthrough: true }) reply: MantisReply,
  ): Promise<string> {
    return this.page(reply, { ...(await this.filter(q, true)), teamId: team.id }, q);
  }

  @Get('api/v1/teams/:team/audit-events/export')
  @RequireRole('auditor')
  @OwnTransaction() // the stream outlives the handler: each batch is read in a transaction of its own
  @ApiOperation({ summary: "Streams the team's audit events, oldest first, as NDJSON or CSV" })
  @ZodQuery(exportQuerySchema)
  async export(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(exportQuerySchema, 'query')) q: ExportQuery, @Res() reply: MantisReply) {
    return this.send(reply, { ...(await this.filter(q)), teamId: team.id }, q.format, team.slug);
  }

  @Get('api/v1/teams/:team/audit-events/verify')
  @RequireRole('auditor')
  @OwnTransaction() // the walk reads in short transactions of its own, batch by batch
  @ApiOperation({ summary: "Walks the team's hash chain and names the first broken link, if any" })
  @ZodResponse(200, verifySchema)
  async verify(@CurrentTeam() team: TeamContext) {
    return { team: team.slug, ...(await this.audit.verify(team.id)) };
  }

  @Get('api/v1/audit-events')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Audit events across every team (admin)',
    description: '`team` narrows to one team slug; `team=global` selects events outside any team.',
  })
  @ZodQuery(adminAuditQuerySchema)
  @ZodResponse(200, auditPageSchema)
  async listAll(@Query(new ZodPipe(adminAuditQuerySchema, 'query')) q: AdminAuditQuery, @Res({ passthrough: true }) reply: MantisReply): Promise<string> {
    return this.page(reply, { ...(await this.filter(q, true)), ...teamFilter(q.team) }, q);
  }

  @Get('api/v1/audit-events/export')
  @RequireRole('admin')
  @OwnTransaction()
  @ApiOperation({ summary: 'Streams audit events across every team (admin), oldest first' })
  @ZodQuery(adminExportSchema)
  async exportAll(@Query(new ZodPipe(adminExportSchema, 'query')) q: ExportQuery & { team?: string }, @Res() reply: MantisReply) {
    return this.send(reply, { ...(await this.filter(q)), ...teamFilter(q.team) }, q.format, q.team ?? 'all');
  }

  @Get('api/v1/audit-events/verify')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Verifies the global chain (events outside any team), admin' })
  @ZodResponse(200, verifySchema)
  async verifyGlobal() {
    return { team: null, ...(await this.audit.verify(null)) };
  }

  /** The page's body is JSON text already (`AuditService.page`): sent as is, with the type Fastify gives serialized JSON. */
  private async page(reply: MantisReply, filter: AuditFilter, q: AuditQuery): Promise<string> {
    const body = await this.audit.page(filter, q.limit, decodeCursor(q.cursor));
    reply.type('application/json; charset=utf-8');
    return body;
  }

  /** `forPage`: an actor's email is looked up in the page's own query (`AuditFilter.actorByEmail`), not first. */
  private async filter(q: Pick<AuditQuery, 'actor' | 'action' | 'outcome' | 'since' | 'until'>, forPage = false): Promise<AuditFilter> {
    const f: AuditFilter = { action: q.action, outcome: q.outcome, since: q.since, until: q.until };
    if (q.actor?.includes('@') && forPage) f.actorByEmail = q.actor.toLowerCase();
    else if (q.actor?.includes('@')) {
      const email = q.actor.toLowerCase();
      const id = await this.audit.userIdByEmail(email);
      if (id) f.actorId = id;
      else f.actorEmail = email;
    } else if (q.actor?.startsWith('mk_')) f.actorPrefix = q.actor;
    else if (q.actor) f.actorId = q.actor;
    return f;
  }

  private send(reply: MantisReply, filter: AuditFilter, format: 'ndjson' | 'csv', label: string) {
    const audit = this.audit;
    // One chunk per batch of rows; the byte stream pulls the next batch only once the response has taken this one.
    async function* csv() {
      yield `${CSV_COLUMNS.join(',')}\r\n`;
      for await (const rows of audit.stream(filter)) {
        let out = '';
        for (const r of rows) out += csvLine(r);
        yield out;
      }
    }
    const chunks = format === 'csv' ? csv() : audit.ndjson(filter);
    const name = `audit-${label.replace(/[^a-z0-9_-]/gi, '')}.${format}`;
    reply
      .header('content-disposition', `attachment; filename="${name}"`)
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      .send(Readable.from(chunks, { objectMode: false }));
    return reply;
  }
}

function teamFilter(team: string | undefined): { teamId?: string | null; teamSlug?: string } {
  if (team === undefined) return {};
  if (team === 'global') return { teamId: null };
  return { teamSlug: team };
}
