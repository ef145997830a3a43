import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, Public, RequireRole } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodResponse } from '../../platform/http/openapi.js';
import { OwnTransaction } from '../../platform/database/own-transaction.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { AuditSigner } from './audit-signing.js';
import { Audit } from './audit.decorator.js';
import { checkpointBodySchema, checkpointVerifySchema, headSchema, jwksSchema, type CheckpointBody, type SignedHead } from './audit.schemas.js';
import { AuditService } from './audit.service.js';

/** Signed chain heads: a reviewer saves one, and later proves nothing up to it was cut or rewritten. */
@ApiTags('audit')
@Controller()
export class AuditHeadsController {
  constructor(
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AuditSigner) private readonly signer: AuditSigner,
  ) {}

  @Get('api/v1/teams/:team/audit-events/head')
  @RequireRole('auditor')
  @ApiOperation({
    summary: "The team's chain head, signed (auditor, team_owner, admin)",
    description:
      '`signature` is Ed25519 (base64url) over the canonical JSON (object keys sorted, no whitespace) of `{team, seq, hash, ts, key_id}`; ' +
      'the public key is the one with that `kid` in `GET /api/v1/audit-signing-keys`. Save a head and pass it later to `POST …/audit-events/verify`.',
  })
  @ZodResponse(200, headSchema)
  async head(@CurrentTeam() team: TeamContext): Promise<SignedHead> {
    const head = await this.audit.head(team.id);
    return this.signer.sign({ team: team.slug, seq: head.seq, hash: head.hash, ts: head.ts });
  }

  @Post('api/v1/teams/:team/audit-events/verify')
  @HttpCode(200)
  @RequireRole('auditor')
  @Audit({ action: 'audit.verify', target: { type: 'audit_chain' } })
  @OwnTransaction() // the walk reads in short transactions of its own; the event is recorded after it
  @ApiOperation({
    summary: 'Verifies the chain against a head saved earlier',
    description:
      '`ok: false` with `reason`: `signature_invalid` (not signed by a published key), `team_mismatch` (a head of another team), ' +
      '`checkpoint_missing` (the saved event is gone: the chain was cut), `checkpoint_hash_mismatch` (that event was rewritten), ' +
      '`chain_broken` (a link does not hold; `first_broken` names it). `GET …/verify` walks the chain without a checkpoint.',
  })
  @ZodBody(checkpointBodySchema)
  @ZodResponse(200, checkpointVerifySchema)
  async verify(@CurrentTeam() team: TeamContext, @Body(new ZodPipe(checkpointBodySchema)) body: CheckpointBody) {
    const cp = body.checkpoint;
    const early = !this.signer.verify(cp) ? 'signature_invalid' : cp.team !== team.slug ? 'team_mismatch' : null;
    if (early) {
      return {
        team: team.slug,
        ok: false,
        checked: 0,
        last_hash: '',
        first_broken: null,
        reason: early,
        checkpoint: { seq: cp.seq, hash: cp.hash, found: false },
      };
    }
    return { team: team.slug, ...(await this.audit.verifyCheckpoint(team.id, cp)) };
  }

  @Get('api/v1/audit-signing-keys')
  @Public()
  @ApiOperation({
    summary: 'The public keys that sign audit chain heads, as a JWKS (open)',
    description: 'Keys of earlier rotations stay listed, so heads they signed still verify.',
  })
  @ZodResponse(200, jwksSchema)
  jwks() {
    return this.signer.jwks();
  }
}
