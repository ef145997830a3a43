import type { Page } from 'playwright';
import { withoutCredentials } from '../../platform/net/egress-policy.js';
import { checkUrl } from '../../platform/net/url-allowlist.js';
import type { NavigationGuard } from './navigation-guard.js';
import { RunFailure } from './run-failure.js';
import type { NamedSecret, RunTemplating } from './templating.js';

/** What the steps of one run accumulate into its result. */
export interface RunState {
  extracted: Record<string, unknown>;
  screenshots: string[];
  agent: unknown;
}

export interface StepEnv {
  page: Page;
  guard: NavigationGuard;
  templating: RunTemplating;
  /** The team's allowed_domains: where a secret without origins of its own may be typed. */
  allowedDomains: readonly string[];
  state: RunState;
  /** Milliseconds an action may wait (bounded by the run's remaining time). */
  timeoutMs(): number;
  saveScreenshot(name: string, png: Buffer): Promise<void>;
}

export const ASSERT_TIMEOUT_MS = 5_000;

type StepValue = Record<string, unknown>;

function isTimeout(e: unknown): boolean {
  return (e as Error)?.name === 'TimeoutError';
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

/** Maps a Playwright error to a run failure, preferring a pending allowlist block. */
function fail(env: StepEnv, e: unknown, code: 'selector_not_found' | 'navigation_failed' | 'step_failed', what: string): never {
  if (e instanceof RunFailure) throw e;
  if (env.guard.blocked) throw env.guard.blocked;
  if (code === 'selector_not_found' && !isTimeout(e)) code = 'step_failed';
  throw new RunFailure(code, `${what}: ${firstLine(e)}`);
}

async function navigate(env: StepEnv, raw: string): Promise<unknown> {
  const url = await env.templating.render(raw);
  const verdict = env.guard.check(url);
  if (!verdict.allowed) throw env.guard.refuse(url, verdict);
  try {
    const res = await env.page.goto(url, { waitUntil: 'load', timeout: env.timeoutMs() });
    return { url: env.page.url(), status: res?.status() ?? null };
  } catch (e) {
    fail(env, e, 'navigation_failed', `navigate ${url}`);
  }
}

async function extract(env: StepEnv, v: StepValue): Promise<unknown> {
  const selector = await env.templating.render(String(v.selector));
  const attribute = v.attribute as string | undefined;
  const loc = env.page.locator(selector);
  try {
    await loc.first().waitFor({ state: 'attached', timeout: env.timeoutMs() });
    let value: unknown;
    if (v.all) {
      value = await loc.evaluateAll((els, attr) => els.map((el) => (attr ? el.getAttribute(attr) : (el.textContent ?? '').trim())), attribute ?? null);
    } else {
      value = attribute ? await loc.first().getAttribute(attribute) : ((await loc.first().textContent()) ?? '').trim();
    }
    const safe = env.templating.redact(value);
    env.state.extracted[String(v.name)] = safe;
    return { name: v.name, value: safe };
  } catch (e) {
    fail(env, e, 'selector_not_found', `extract ${selector}`);
  }
}

async function assertStep(env: StepEnv, v: StepValue): Promise<unknown> {
  const timeout = Math.min(ASSERT_TIMEOUT_MS, env.timeoutMs());
  const page = env.page;
  const what: string[] = [];
  try {
    if (v.url !== undefined) {
      const url = await env.templating.render(String(v.url));
      what.push(`url ${url}`);
      await page.waitForURL(url, { timeout, waitUntil: 'commit' });
    }
    if (v.selector !== undefined || v.text !== undefined) {
      const text = v.text === undefined ? undefined : await env.templating.render(String(v.text));
      let loc = v.selector !== undefined ? page.locator(await env.templating.render(String(v.selector))) : page.locator('body');
      if (text !== undefined) loc = loc.filter({ hasText: text });
      what.push([v.selector && `selector ${v.selector}`, text !== undefined && `text "${v.text}"`].filter(Boolean).join(' with '));
      await loc.first().waitFor({ state: v.selector ? 'visible' : 'attached', timeout });
    }
  } catch (e) {
    if (e instanceof RunFailure) throw e;
    if (env.guard.blocked) throw env.guard.blocked;
    throw new RunFailure('assertion_failed', `Assertion failed: ${what.join('; ')} (page at ${page.url()})`);
  }
  return { passed: true };
}

async function waitFor(env: StepEnv, v: StepValue): Promise<unknown> {
  const timeout = Math.min(typeof v.timeout_ms === 'number' ? v.timeout_ms : env.timeoutMs(), env.timeoutMs());
  try {
    if (v.selector !== undefined)
      await env.page
        .locator(await env.templating.render(String(v.selector)))
        .first()
        .waitFor({ state: 'visible', timeout });
    if (v.url !== undefined) await env.page.waitForURL(await env.templating.render(String(v.url)), { timeout });
    if (v.selector === undefined && v.url === undefined) {
      await env.page.waitForLoadState('load', { timeout });
      await env.page.waitForTimeout(typeof v.timeout_ms === 'number' ? timeout : 1_000);
    }
  } catch (e) {
    fail(env, e, v.selector !== undefined ? 'selector_not_found' : 'step_failed', 'wait_for');
  }
  return { url: env.page.url() };
}

/**
 * Fills `selector`; when the text carries secrets, only after checking the
 * element's own document (its frame, not just the top page) is on a host the
 * secrets may be typed on: their `origins`, else the team's allowed_domains.
 */
export async function typeInto(env: StepEnv, selector: string, text: string, secrets: NamedSecret[]): Promise<void> {
  const timeout = env.timeoutMs();
  try {
    if (secrets.length === 0) return await env.page.fill(selector, text, { timeout });
    const handle = await env.page.locator(selector).first().elementHandle({ timeout });
    const url = (await handle.ownerFrame())?.url() ?? env.page.url();
    for (const s of secrets) {
      const patterns = s.origins.length > 0 ? s.origins : env.allowedDomains;
      if (patterns.length === 0 || !checkUrl(url, patterns).allowed) {
        throw new RunFailure(
          'secret_origin_not_allowed',
          `Secret "${s.name}" may not be typed on ${withoutCredentials(url)}: ${s.origins.length > 0 ? 'outside its origins' : patterns.length > 0 ? "outside the team's allowed_domains" : "it has no origins and the team's allowed_domains is empty"}`,
          { secret: s.name },
        );
      }
    }
    for (const s of secrets) env.templating.markUsed(s.name);
    await handle.fill(text, { timeout });
  } catch (e) {
    fail(env, e, 'selector_not_found', `fill ${selector}`);
  }
}

/**
 * Runs one §11 step (other than `agent`) on the run's page and returns its
 * output; a refused top-level navigation the step caused (a renderer may
 * report it just as the action returns) fails it.
 */
export async function runStep(env: StepEnv, kind: string, value: unknown): Promise<unknown> {
  const output = await stepOutput(env, kind, value);
  await env.guard.settle();
  if (env.guard.blocked) throw env.guard.blocked;
  return output;
}

async function stepOutput(env: StepEnv, kind: string, value: unknown): Promise<unknown> {
  const t = env.templating;
  const page = env.page;
  switch (kind) {
    case 'navigate':
      return navigate(env, String(value));
    case 'click': {
      const selector = await t.render(String(value));
      await page.click(selector, { timeout: env.timeoutMs() }).catch((e) => fail(env, e, 'selector_not_found', `click ${selector}`));
      return { url: page.url() };
    }
    case 'fill': {
      const v = value as StepValue;
      const selector = await t.render(String(v.selector));
      const { text, secrets } = await t.renderWithSecrets(String(v.value));
      await typeInto(env, selector, text, secrets);
      return { selector };
    }
    case 'press': {
      const v = value as StepValue;
      const key = String(v.key);
      const run = v.selector !== undefined ? page.press(await t.render(String(v.selector)), key, { timeout: env.timeoutMs() }) : page.keyboard.press(key);
      await run.catch((e) => fail(env, e, 'selector_not_found', `press ${key}`));
      return { key };
    }
    case 'wait_for':
      return waitFor(env, value as StepValue);
    case 'extract':
      return extract(env, value as StepValue);
    case 'screenshot': {
      const name = String(value);
      const png = await page.screenshot({ fullPage: true, timeout: env.timeoutMs() }).catch((e) => fail(env, e, 'step_failed', 'screenshot'));
      await env.saveScreenshot(name, png);
      if (!env.state.screenshots.includes(name)) env.state.screenshots.push(name);
      return { name };
    }
    case 'assert':
      return assertStep(env, value as StepValue);
    default:
      throw new RunFailure('step_failed', `Unknown step "${kind}"`);
  }
}
