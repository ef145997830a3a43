import { z } from 'zod';

/**
 * The plan vocabulary of the OpenAPI description (plans). A plan is `{start_url?, steps: [step…]}`;
 * each step is an object with exactly one key naming what it does.
 */

const MAX_TEXT = 2048;
const text = (max = MAX_TEXT) => z.string().min(1).max(max);
const url = z.string().min(1).max(MAX_TEXT);
/** Screenshot and extract names end up in file names and result keys. */
const artifactName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/, 'letters, digits, space, dot, underscore and dash; 1 to 100 characters');
const timeoutMs = z.number().int().min(0).max(600_000);

export const STEP_SCHEMAS = {
  navigate: url,
  click: text(),
  fill: z.strictObject({ selector: text(), value: z.string().max(10_000) }),
  press: z.strictObject({ selector: text().optional(), key: text(64) }),
  wait_for: z.strictObject({ selector: text().optional(), url: url.optional(), timeout_ms: timeoutMs.optional() }),
  extract: z.strictObject({
    name: artifactName,
    selector: text(),
    attribute: text(256).optional(),
    all: z.boolean().optional(),
  }),
  screenshot: artifactName,
  assert: z.strictObject({ selector: text().optional(), text: z.string().max(MAX_TEXT).optional(), url: url.optional() }),
  agent: z.strictObject({
    goal: text(10_000),
    max_iterations: z.number().int().min(1).max(10_000).optional(),
    /** Secrets the model may ask to type by name (values never reach it). */
    secrets: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a secret name'))
      .max(50)
      .optional(),
  }),
} as const;

export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

export type PlanStep = { [K in StepKind]: { [P in K]: z.infer<(typeof STEP_SCHEMAS)[K]> } }[StepKind];

export const planStepSchema = z
  .record(z.string(), z.unknown())
  .superRefine((step, ctx) => {
    const keys = Object.keys(step);
    const kind = keys[0] as StepKind;
    if (keys.length !== 1 || !STEP_KINDS.includes(kind)) {
      ctx.addIssue({ code: 'custom', message: `a step is an object with exactly one key among ${STEP_KINDS.join(', ')}` });
      return;
    }
    const parsed = STEP_SCHEMAS[kind].safeParse(step[kind]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: [kind, ...issue.path] });
      }
    }
  })
  .transform((step) => step as PlanStep)
  .meta({ description: `One key among ${STEP_KINDS.join(', ')} .` });

export const MAX_PLAN_STEPS_HARD = 1000;

const SECRET_PLACEHOLDER = /\{\{\s*secrets\./;

/** Paths of every string under `value` that names a secret, `[...]` prefixed by `path`. */
export function secretPlaceholderPaths(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (typeof value === 'string') return SECRET_PLACEHOLDER.test(value) ? [path] : [];
  if (depth > 20 || value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => secretPlaceholderPaths(v, [...path, k], depth + 1));
}

const SECRET_PLACE_MESSAGE = "{{secrets.NAME}} is allowed only in a fill step's value";

export const planSchema = z
  .strictObject({
    start_url: url.optional(),
    steps: z.array(planStepSchema).min(1).max(MAX_PLAN_STEPS_HARD),
  })
  .superRefine((plan, ctx) => {
    // Secrets are typed, never sent: a URL, selector, assertion or goal naming one could carry it off the page.
    const paths = secretPlaceholderPaths(plan).filter((p) => !(p[0] === 'steps' && p[2] === 'fill' && p[3] === 'value' && p.length === 4));
    for (const path of paths) ctx.addIssue({ code: 'custom', message: SECRET_PLACE_MESSAGE, path });
  });

export type Plan = z.infer<typeof planSchema>;

/**
 * A state key names a browser profile kept between runs. It is joined under
 * the team's own directory, so path separators, dots-only names and anything
 * outside this charset are refused.
 */
export const stateKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'letters, digits, underscore and dash, starting with a letter or digit; at most 128 characters');

/** Every URL the plan loads at top level (`start_url` and `navigate` steps): what the allowlist checks at submit. */
export function planUrls(plan: Plan): string[] {
  const urls: string[] = [];
  if (plan.start_url !== undefined) urls.push(plan.start_url);
  for (const step of plan.steps) {
    if ('navigate' in step) urls.push(step.navigate);
  }
  return urls;
}

/** Inputs are substituted anywhere in a plan, so they may not name secrets either. */
export function refineInputs(inputs: Record<string, unknown> | undefined, ctx: z.RefinementCtx): void {
  for (const path of secretPlaceholderPaths(inputs ?? {})) ctx.addIssue({ code: 'custom', message: SECRET_PLACE_MESSAGE, path });
}
