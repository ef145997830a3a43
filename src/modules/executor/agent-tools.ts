import type Anthropic from '@anthropic-ai/sdk';

const str = (description: string) => ({ type: 'string', description });

/** Tools mirroring the plan's step vocabulary (the OpenAPI description: plans), plus `done`. */
export const AGENT_TOOLS: Anthropic.Tool[] = [
  {
    name: 'navigate',
    description: "Go to a URL (only the team's allowed domains can be reached).",
    input_schema: { type: 'object', properties: { url: str('absolute http(s) URL') }, required: ['url'] },
  },
  {
    name: 'click',
    description: 'Click an element. Use a Playwright selector, e.g. the [data-mantis-ref=N] shown in the page snapshot.',
    input_schema: { type: 'object', properties: { selector: str('Playwright selector') }, required: ['selector'] },
  },
  {
    name: 'fill',
    description: 'Type a value into an input. A value may contain {{inputs.NAME}}. Secrets cannot be typed with this tool: use type_secret.',
    input_schema: { type: 'object', properties: { selector: str('Playwright selector'), value: str('text to type') }, required: ['selector', 'value'] },
  },
  {
    name: 'press',
    description: 'Press a key, optionally focused on an element (e.g. Enter).',
    input_schema: { type: 'object', properties: { selector: str('Playwright selector'), key: str('key name, e.g. Enter') }, required: ['key'] },
  },
  {
    name: 'wait_for',
    description: 'Wait for a selector to be visible, for the URL to match, or for a number of milliseconds.',
    input_schema: {
      type: 'object',
      properties: { selector: str('Playwright selector'), url: str('URL or glob'), timeout_ms: { type: 'integer', minimum: 0, maximum: 30000 } },
    },
  },
  {
    name: 'extract',
    description: 'Read the text (or an attribute) of an element into the run result under a name.',
    input_schema: {
      type: 'object',
      properties: {
        name: str('result key'),
        selector: str('Playwright selector'),
        attribute: str('attribute to read instead of the text'),
        all: { type: 'boolean' },
      },
      required: ['name', 'selector'],
    },
  },
  {
    name: 'screenshot',
    description: 'Store a screenshot of the page with the run under a name.',
    input_schema: { type: 'object', properties: { name: str('letters, digits, dash, underscore') }, required: ['name'] },
  },
  {
    name: 'done',
    description: 'Finish the task and report its result (any JSON value).',
    input_schema: { type: 'object', properties: { result: { description: 'the answer to the goal' } }, required: ['result'] },
  },
];

/** Only offered when the step lists secrets; the model names one, the executor types its value. */
export const TYPE_SECRET_TOOL: Anthropic.Tool = {
  name: 'type_secret',
  description: 'Type one of the secrets this task may use into an input, by name. Its value is never shown to you.',
  input_schema: { type: 'object', properties: { selector: str('Playwright selector'), name: str('secret name') }, required: ['selector', 'name'] },
};

/** The tools of one agent step: the step vocabulary, plus `type_secret` when the step lists secrets. */
export function agentTools(secretNames: readonly string[]): Anthropic.Tool[] {
  if (secretNames.length === 0) return AGENT_TOOLS;
  return [
    ...AGENT_TOOLS.slice(0, -1),
    { ...TYPE_SECRET_TOOL, description: `${TYPE_SECRET_TOOL.description} Available: ${secretNames.join(', ')}.` },
    AGENT_TOOLS[AGENT_TOOLS.length - 1],
  ];
}

export const AGENT_SYSTEM_PROMPT = [
  'You operate a web browser to reach a goal. Each turn you get a compact snapshot of the current page:',
  'interactive elements are numbered [N] and can be targeted with the selector [data-mantis-ref=N].',
  'Act with the tools, one or a few at a time. When the goal is reached, call done with the result.',
  'Secret values are never shown to you; when the task lists secrets, type one with type_secret and its name.',
].join(' ');

/** Turns a tool call into the plan step it mirrors: `{kind: value}`. */
export function toolToStep(name: string, input: Record<string, unknown>): [string, unknown] {
  switch (name) {
    case 'navigate':
      return ['navigate', input.url];
    case 'click':
      return ['click', input.selector];
    case 'screenshot':
      return ['screenshot', input.name];
    default:
      return [name, input];
  }
}
