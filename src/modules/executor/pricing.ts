/** USD per million tokens. Cache writes bill at 1.25× input, cache reads at 0.1×. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Anthropic list prices; a dated id (`claude-sonnet-4-5-20250929`) matches its family by prefix. */
export const MODEL_PRICES: Record<string, ModelPrice> = {
  'claude-opus-4-8': { input: 5, output: 25 },
  'claude-opus-4-7': { input: 5, output: 25 },
  'claude-opus-4-6': { input: 5, output: 25 },
  'claude-sonnet-4-6': { input: 3, output: 15 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
};

export const DEFAULT_MODEL = 'claude-sonnet-4-6';

/** Unknown models are priced as the dearest known one, so caps stay safe. */
const FALLBACK: ModelPrice = Object.values(MODEL_PRICES).reduce((a, b) => (b.output > a.output ? b : a));

export function priceOf(model: string): ModelPrice {
  const key = Object.keys(MODEL_PRICES)
    .filter((k) => model === k || model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return key ? MODEL_PRICES[key] : FALLBACK;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export function costOf(model: string, usage: TokenUsage): number {
  const p = priceOf(model);
  const input = usage.input_tokens * p.input + (usage.cache_creation_input_tokens ?? 0) * p.input * 1.25 + (usage.cache_read_input_tokens ?? 0) * p.input * 0.1;
  return (input + usage.output_tokens * p.output) / 1_000_000;
}

/**
 * The most a call can cost: every output token up to `maxTokens`, and an
 * input bound of one token per byte of the request body (a token is never
 * shorter than one byte), so checking this before a call keeps a run under its cap.
 */
export function worstCaseCost(model: string, requestBytes: number, maxTokens: number): number {
  const p = priceOf(model);
  return (requestBytes * p.input + maxTokens * p.output) / 1_000_000;
}
