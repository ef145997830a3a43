import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../platform/auth/auth.decorators.js';
import type { Principal } from '../../platform/auth/principal.js';
import { ZodResponse } from '../../platform/http/openapi.js';
import { meOf, meSchema, type Me } from './me.schemas.js';

@ApiTags('identity')
@Controller('api/v1/me')
export class MeController {
  @Get()
  @ApiOperation({
    summary: 'Who is calling',
    description:
      'Any principal. `teams` lists the teams the credential may act in (a team-bound key or tenant token: only its team); ' +
      '`scopes` are what the credential may do on the run API (OIDC sessions and the single-tenant token carry all four).',
  })
  @ZodResponse(200, meSchema)
  me(@CurrentPrincipal() p: Principal): Me {
    return meOf(p);
  }
}
