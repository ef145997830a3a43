import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { OwnTransaction } from '../../platform/database/own-transaction.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTeam, Public, RequireRole, RequireScopes, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ZodBody, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { chatCompletionRequestSchema, chatCompletionResponseSchema, modelListSchema, type ChatCompletionRequest } from './chat.schemas.js';
import { ChatService } from './chat.service.js';

@ApiTags('chat')
@Controller('v1')
export class ChatController {
  constructor(@Inject(ChatService) private readonly chat: ChatService) {}

  @Get('models')
  @Public()
  @ApiOperation({ summary: 'Models the chat facade and agent steps price (OpenAI list shape)' })
  @ZodResponse(200, modelListSchema)
  models() {
    return this.chat.models();
  }

  @Post('chat/completions')
  @HttpCode(200)
  // The upstream call may take long: no request transaction is held open across it.
  @OwnTransaction()
  @TeamScoped()
  @RequireScopes('run')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'OpenAI-compatible chat completions over the Anthropic Messages API',
    description:
      "Paid with the caller's team key (the secret named by the team's `anthropic_secret_name`; 409 `conflict` when it is not set) " +
      "and counted against the team's rate limit. Text messages only: `system` and `developer` messages become the system prompt; " +
      '`max_tokens` defaults to 4096; `temperature` above 1 is clamped to 1. Every call is priced with the model price table and ' +
      'recorded as team usage. With `stream: true` the answer is Server-Sent Events of `chat.completion.chunk` objects ending ' +
      'with `data: [DONE]` (`stream_options.include_usage` adds a usage chunk). Each call reserves its worst case (every `max_tokens` ' +
      'output token plus its input) under the same per-team lock and budget count as runs, and is settled to its real cost when answered; ' +
      'with a `monthly_budget_usd`, a call whose worst case would take the month (runs and chat, spent plus reserved) past the budget gets ' +
      '429 `budget_exceeded`, and so does a run whose `max_cost` would, chat spend included. ' +
      'Needs the `run` scope and the operator role.',
  })
  @ZodBody(chatCompletionRequestSchema)
  @ZodResponse(200, chatCompletionResponseSchema)
  async completions(
    @CurrentPrincipal() principal: Principal,
    @CurrentTeam() team: TeamContext,
    @Body(new ZodPipe(chatCompletionRequestSchema)) body: ChatCompletionRequest,
    @Req() req: MantisRequest,
    @Res({ passthrough: true }) reply: MantisReply,
  ) {
    const client = await this.chat.client(team);
    const reservation = await this.chat.reserve(principal, team, body);
    if (!body.stream) return this.chat.complete(reservation, client, body);

    const abort = new AbortController();
    req.raw.on('close', () => abort.abort());
    reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string;
    reply.raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const write = (data: unknown) => reply.raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    try {
      await this.chat.stream(reservation, client, body, { chunk: write }, abort.signal);
      write('[DONE]');
    } catch (e) {
      const err = e as { code?: string; message?: string };
      write({ error: { code: err.code ?? 'upstream_error', message: err.code ? err.message : 'The model stream failed', request_id: req.id } });
    } finally {
      reply.raw.end();
    }
  }
}
