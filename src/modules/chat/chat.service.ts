import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import { LOGGER } from '../../platform/http/logger.js';
import { costOf, MODEL_PRICES, worstCaseCost } from '../executor/pricing.js';
import { SecretResolver } from '../secrets/secret-resolver.port.js';
import { ChatRepository } from './chat.repository.js';
import type { ChatCompletionRequest } from './chat.schemas.js';

export const DEFAULT_CHAT_MAX_TOKENS = 4096;

type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

function finishReason(stop: string | null | undefined): FinishReason {
  if (stop === 'max_tokens') return 'length';
  if (stop === 'tool_use') return 'tool_calls';
  if (stop === 'refusal') return 'content_filter';
  return 'stop';
}

function text(content: ChatCompletionRequest['messages'][number]['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** OpenAI messages → Anthropic: system/developer turns become the system prompt. */
export function toAnthropic(req: ChatCompletionRequest): Anthropic.MessageCreateParamsNonStreaming {
  const system = req.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => text(m.content));
  const messages = req.messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role as 'user' | 'assistant', content: text(m.content) }));
  if (messages.length === 0)
    throw new ApiError('validation_failed', 'messages needs at least one user message', {
      fields: [{ path: 'messages', message: 'no user or assistant message' }],
    });
  const stop = req.stop == null ? undefined : Array.isArray(req.stop) ? req.stop : [req.stop];
  return {
    model: req.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_CHAT_MAX_TOKENS,
    messages,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    ...(req.temperature != null ? { temperature: Math.min(1, req.temperature) } : {}),
    ...(req.top_p != null ? { top_p: req.top_p } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
  };
}

/** A call's reserved worst case, to settle with its real usage (or release) once answered. */
export interface ChatReservation {
  id: string;
  team: TeamContext;
}

export interface ChatChunkSink {
  chunk(data: unknown): void;
}

/**
 * An OpenAI-compatible facade over the Anthropic Messages API, paid with the
 * caller's team key (the secret named by the team's `anthropic_secret_name`).
 * Every call's usage is priced and recorded for the team.
 */
@Injectable()
export class ChatService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ChatRepository) private readonly repo: ChatRepository,
    @Inject(SecretResolver) private readonly secrets: SecretResolver,
  ) {}

  models() {
    return { object: 'list' as const, data: Object.keys(MODEL_PRICES).map((id) => ({ id, object: 'model' as const, created: 0, owned_by: 'anthropic' })) };
  }

  /** Resolves the team's key before anything streams, so a missing key is a plain error response. */
  async client(team: TeamContext): Promise<Anthropic> {
    const name = await this.repo.anthropicSecretName(team.id);
    const key = await this.secrets.resolve(team.id, name);
    if (!key) throw new ApiError('conflict', `The team has no Anthropic API key: set the secret "${name}"`, { secret: name });
    return new Anthropic({ apiKey: key, baseURL: this.config.anthropicBaseUrl ?? null, maxRetries: 1 });
  }

  /**
   * Reserves the call's worst case (every `max_tokens` output token plus its
   * input) against the monthly budget, under the team's admission lock; 429
   * budget_exceeded when it does not fit. Every reservation must be settled.
   */
  async reserve(principal: Principal, team: TeamContext, req: ChatCompletionRequest): Promise<ChatReservation> {
    const body = toAnthropic(req);
    const worst = worstCaseCost(body.model, Buffer.byteLength(JSON.stringify(body)), body.max_tokens);
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    if (await this.repo.reserve(team.id, { id, model: req.model, stream: !!req.stream, createdByKeyId: principal.keyId, worstUsd: worst })) return { id, team };
    const u = await this.repo.budgetUsage(team.id);
    throw new ApiError(
      'budget_exceeded',
      `This call could cost up to $${worst.toFixed(4)}, which would take the team past its monthly budget of $${u.budget}`,
      {
        budget_usd: u.budget,
        spent_usd: u.spent,
        reserved_usd: u.reserved,
        worst_case_usd: worst,
      },
    );
  }

  /** Settles with nothing used: the call was never answered. */
  async release(r: ChatReservation): Promise<void> {
    await this.repo.settle(r.team.id, r.id, { inputTokens: 0, outputTokens: 0, costUsd: 0 });
  }

  async complete(r: ChatReservation, client: Anthropic, req: ChatCompletionRequest) {
    const body = toAnthropic(req);
    const message = await client.messages.create(body).catch(async (e) => {
      await this.release(r);
      return this.upstream(e);
    });
    const id = r.id;
    await this.account(r, req.model, message.usage);
    return {
      id,
      object: 'chat.completion' as const,
      created: Math.floor(Date.now() / 1000),
      model: message.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant' as const, content: message.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), refusal: null },
          finish_reason: finishReason(message.stop_reason),
          logprobs: null,
        },
      ],
      usage: usage(message.usage.input_tokens, message.usage.output_tokens),
    };
  }

  /** Streams OpenAI `chat.completion.chunk` objects; the caller writes them as SSE. */
  async stream(r: ChatReservation, client: Anthropic, req: ChatCompletionRequest, sink: ChatChunkSink, signal: AbortSignal): Promise<void> {
    const id = r.id;
    const created = Math.floor(Date.now() / 1000);
    let model = req.model;
    let input = 0;
    let output = 0;
    const chunk = (delta: Record<string, unknown>, finish: FinishReason | null) =>
      sink.chunk({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
    const events = await client.messages.create({ ...toAnthropic(req), stream: true }, { signal }).catch(async (e) => {
      await this.release(r);
      return this.upstream(e);
    });
    try {
      for await (const ev of events) {
        if (ev.type === 'message_start') {
          model = ev.message.model;
          input = ev.message.usage.input_tokens;
          output = ev.message.usage.output_tokens;
          chunk({ role: 'assistant', content: '' }, null);
        } else if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') {
          chunk({ content: ev.delta.text }, null);
        } else if (ev.type === 'message_delta') {
          output = ev.usage.output_tokens;
          chunk({}, finishReason(ev.delta.stop_reason));
        }
      }
    } finally {
      await this.account(r, req.model, { input_tokens: input, output_tokens: output });
    }
    if (req.stream_options?.include_usage) sink.chunk({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usage(input, output) });
  }

  private async account(r: ChatReservation, model: string, u: { input_tokens: number; output_tokens: number }) {
    await this.repo.settle(r.team.id, r.id, { model, inputTokens: u.input_tokens, outputTokens: u.output_tokens, costUsd: costOf(model, u) });
  }

  private upstream(e: unknown): never {
    if (e instanceof ApiError) throw e;
    const status = (e as { status?: number }).status;
    this.logger.warn({ component: 'chat', status }, 'anthropic call failed');
    if (status === 400 || status === 404 || status === 413)
      throw new ApiError('validation_failed', `The model API refused the request (HTTP ${status})`, { upstream_status: status });
    if (status === 429)
      throw new ApiError('rate_limited', "The model API is rate limiting this team's key", { upstream_status: status }, { 'retry-after': '1' });
    throw new ApiError(
      'upstream_error',
      status ? `The model API answered HTTP ${status}` : 'The model API could not be reached',
      status ? { upstream_status: status } : undefined,
    );
  }
}

function usage(input: number, output: number) {
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}
