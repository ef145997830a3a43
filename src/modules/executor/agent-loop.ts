import Anthropic from '@anthropic-ai/sdk';
import { AGENT_SYSTEM_PROMPT, agentTools, toolToStep } from './agent-tools.js';
import { pageSnapshot } from './page-snapshot.js';
import { costOf, worstCaseCost } from './pricing.js';
import { RunFailure } from './run-failure.js';
import { runStep, typeInto, type StepEnv } from './step-runner.js';

export const AGENT_MAX_TOKENS = 1024;
const SCREENSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

/** The run-wide budget an agent step spends from. */
export interface CostMeter {
  readonly spent: number;
  readonly cap: number;
  add(usd: number): Promise<void>;
}

export interface AgentDeps {
  env: StepEnv;
  client: Anthropic;
  model: string;
  meter: CostMeter;
  maxIterations: number;
  /** Secret names the step lets the model type with `type_secret`. */
  secretNames: readonly string[];
  signal: AbortSignal;
  record(type: string, data: Record<string, unknown>): void;
}

type Message = Anthropic.MessageParam;

/** Keeps only the newest page snapshot in the conversation so it stays small. */
function dropOldSnapshots(messages: Message[]): void {
  for (const m of messages.slice(0, -1)) {
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    for (const block of m.content) {
      if (block.type === 'text' && block.text.startsWith('Page snapshot:')) block.text = 'Page snapshot: (superseded)';
    }
  }
}

async function observe(deps: AgentDeps): Promise<Anthropic.TextBlockParam> {
  const snap = deps.env.templating.redact(await pageSnapshot(deps.env.page));
  return { type: 'text', text: `Page snapshot:\n${snap}` };
}

async function callModel(deps: AgentDeps, messages: Message[], iteration: number): Promise<Anthropic.Message> {
  const body: Anthropic.MessageCreateParamsNonStreaming = {
    model: deps.model,
    max_tokens: AGENT_MAX_TOKENS,
    system: AGENT_SYSTEM_PROMPT,
    tools: agentTools(deps.secretNames),
    messages,
  };
  const worst = worstCaseCost(deps.model, Buffer.byteLength(JSON.stringify(body)), AGENT_MAX_TOKENS);
  if (deps.meter.spent + worst > deps.meter.cap) {
    throw new RunFailure(
      'cost_limit_exceeded',
      `The next model call could cost up to $${worst.toFixed(4)}, which would take the run past its max_cost of $${deps.meter.cap} (spent $${deps.meter.spent.toFixed(4)})`,
    );
  }
  let response: Anthropic.Message;
  try {
    response = await deps.client.messages.create(body, { signal: deps.signal });
  } catch (e) {
    if (deps.signal.aborted) throw e;
    const status = (e as { status?: number }).status;
    throw new RunFailure(
      'model_error',
      `The model call failed${status ? ` (HTTP ${status})` : ''}: ${deps.env.templating.redact(String((e as Error).message).split('\n')[0]).slice(0, 300)}`,
    );
  }
  const cost = costOf(deps.model, response.usage);
  await deps.meter.add(cost);
  deps.record('agent.call', {
    iteration,
    model: deps.model,
    input_tokens: response.usage.input_tokens,
    output_tokens: response.usage.output_tokens,
    cost_usd: cost,
    stop_reason: response.stop_reason,
  });
  return response;
}

/** Executes one tool call; browser errors go back to the model, run-ending failures propagate. */
async function act(deps: AgentDeps, block: Anthropic.ToolUseBlock): Promise<Anthropic.ToolResultBlockParam> {
  const input = (block.input ?? {}) as Record<string, unknown>;
  const [kind, value] = toolToStep(block.name, input);
  deps.record('agent.action', { tool: block.name, input: deps.env.templating.redact(describeInput(block.name, input)) });
  try {
    if (kind === 'screenshot' && !SCREENSHOT_NAME.test(String(value)))
      throw new RunFailure('step_failed', 'screenshot names are letters, digits, space, dot, underscore and dash');
    const out = kind === 'fill' || kind === 'type_secret' ? await typeFor(deps, kind, input) : await runStep(deps.env, kind, value);
    return { type: 'tool_result', tool_use_id: block.id, content: JSON.stringify(deps.env.templating.redact(out ?? { ok: true })) };
  } catch (e) {
    if (!(e instanceof RunFailure) || RUN_ENDING.includes(e.code)) throw e;
    return { type: 'tool_result', tool_use_id: block.id, is_error: true, content: deps.env.templating.redact(e.message) };
  }
}

/** Failures that end the run instead of going back to the model. */
const RUN_ENDING = ['domain_not_allowed', 'destination_not_allowed', 'secret_origin_not_allowed', 'secret_not_found', 'input_not_found'];

/**
 * The model's `fill` types literal text (inputs substituted, never secrets);
 * `type_secret` types a secret the step lists, by name, under the origin rule.
 */
async function typeFor(deps: AgentDeps, kind: 'fill' | 'type_secret', input: Record<string, unknown>): Promise<unknown> {
  const t = deps.env.templating;
  const selector = await t.render(String(input.selector ?? ''));
  if (kind === 'fill') {
    await typeInto(deps.env, selector, await t.render(String(input.value ?? '')), []);
    return { selector };
  }
  const name = String(input.name ?? '');
  if (!deps.secretNames.includes(name))
    throw new RunFailure('step_failed', `"${name}" is not one of the secrets this task may type (${deps.secretNames.join(', ')})`);
  const secret = await t.planSecret(name);
  await typeInto(deps.env, selector, secret.value, [{ name, ...secret }]);
  return { selector, typed: name };
}

/** Fill values are not echoed into events (they may be templates naming secrets; names are recorded separately). */
function describeInput(tool: string, input: Record<string, unknown>): Record<string, unknown> {
  if (tool !== 'fill') return input;
  return { selector: input.selector };
}

/**
 * The `agent` step: observe the page, ask the model, act with the step
 * vocabulary, until it calls `done`. Each model call is one loop iteration;
 * the cost cap is checked before every call with that call's worst case.
 */
export async function runAgent(deps: AgentDeps, goal: string): Promise<unknown> {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: `Goal: ${goal}` }, await observe(deps)] }];
  for (let iteration = 1; ; iteration++) {
    if (iteration > deps.maxIterations) {
      throw new RunFailure('loop_limit_exceeded', `The agent did not finish within ${deps.maxIterations} iterations`);
    }
    const response = await callModel(deps, messages, iteration);
    messages.push({ role: 'assistant', content: response.content });
    const calls = response.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    const results: Anthropic.ContentBlockParam[] = [];
    for (const call of calls) {
      if (call.name === 'done') {
        const result = deps.env.templating.redact((call.input as { result?: unknown })?.result ?? null);
        deps.record('agent.done', { iteration });
        return result;
      }
      results.push(await act(deps, call));
    }
    if (calls.length === 0) results.push({ type: 'text', text: 'Use the tools to act; call done with the result when the goal is reached.' });
    results.push(await observe(deps));
    dropOldSnapshots(messages);
    messages.push({ role: 'user', content: results });
  }
}
