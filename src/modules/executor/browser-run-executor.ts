import { rename, rm } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import { Inject, Injectable } from '@nestjs/common';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LOGGER } from '../../platform/http/logger.js';
import { RunExecutor, type ClaimedRun, type RunContext, type RunOutcome } from './executor.port.js';
import { SecretResolver } from '../secrets/secret-resolver.port.js';
import { runAgent, type CostMeter } from './agent-loop.js';
import { ArtifactStore, type RunArtifacts } from './artifact-store.js';
import { BrowserPool } from './browser-pool.js';
import { EgressProxy } from './egress-proxy.js';
import { NavigationGuard } from './navigation-guard.js';
import { DEFAULT_MODEL } from './pricing.js';
import { trimVideo, VIDEO_CUT_MARGIN_MS } from './recording.js';
import { RunFailure } from './run-failure.js';
import { RunSession } from './run-session.js';
import { runStep, type RunState, type StepEnv } from './step-runner.js';
import { RunTemplating } from './templating.js';

/** Longest a single browser action waits, unless the run has less time left. */
export const ACTION_TIMEOUT_MS = 30_000;

interface Execution {
  session: RunSession;
  artifacts: RunArtifacts;
  guard: NavigationGuard;
  state: RunState;
  page: Page;
  context: BrowserContext;
  tracing: boolean;
  /** When the page (and its video) started, and when the first step typing a secret began. */
  videoStartedAt: number;
  videoCutAt: number | null;
  stepsCompleted: number;
  costUsd: number;
  stepOutputs: unknown[];
  anthropic?: Anthropic;
}

/**
 * Runs a claimed plan in a fresh context of the worker's shared Chromium:
 * every §11 step, the runtime allowlist, the run's limits, artifacts under the
 * team's directory and the `state_key` profile. The dispatcher owns statuses,
 * leases and the database row; this returns the outcome.
 */
@Injectable()
export class BrowserRunExecutor extends RunExecutor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BrowserPool) private readonly pool: BrowserPool,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(SecretResolver) private readonly secrets: SecretResolver,
  ) {
    super();
  }

  async execute(run: ClaimedRun, ctx: RunContext): Promise<RunOutcome> {
    const session = new RunSession(run, ctx, this.logger);
    session.templating = new RunTemplating(run.teamId, run.teamSlug, run.inputs ?? {}, this.secrets, (name) => session.secretUsed(name));
    const guard = new NavigationGuard(run.team.allowedDomains, this.config.browser.egress, {
      navigation: (d) => session.record('navigation', d),
      blocked: (d) => session.record('request.blocked', d),
    });
    let proxy: EgressProxy | null = null;
    const started = Date.now();
    let x: Execution | null = null;
    let failure: RunFailure | null = null;
    try {
      if (session.abortReason) throw session.abortReason;
      if (run.plan.steps.length > run.limits.maxSteps) {
        throw new RunFailure('step_limit_exceeded', `The plan has ${run.plan.steps.length} steps; max_steps is ${run.limits.maxSteps}`);
      }
      const profile = run.stateKey ? await this.store.profileFile(run.teamSlug, run.stateKey, run.teamId) : null;
      const artifacts = await this.store.forRun(run);
      proxy = await EgressProxy.start({ policy: this.config.browser.egress, allowedDomains: run.team.allowedDomains, onBlock: (b) => guard.onBlock(b) });
      const egress = proxy;
      await this.pool.withContext(await this.contextOptions(artifacts, profile, egress), async (context) => {
        x = await this.begin(session, artifacts, context, started, guard, egress);
        try {
          await this.runPlan(x);
        } catch (e) {
          failure = this.toFailure(e, session);
        }
        await this.finish(x, profile, failure);
      });
    } catch (e) {
      failure ??= this.toFailure(e, session);
    } finally {
      session.dispose();
      guard.dispose();
      await proxy?.close();
    }
    const ex = x as Execution | null;
    const status = !failure ? 'succeeded' : failure.code === 'timed_out' ? 'timed_out' : failure.code === 'cancelled' ? 'cancelled' : 'failed';
    const error = failure ? session.templating.redact({ code: failure.code, message: failure.message }) : null;
    session.record('run.finished', { status, duration_ms: Date.now() - started, ...(error ? { error } : {}) });
    this.logger.info({ runId: run.id, tenant_id: run.teamSlug, status, ms: Date.now() - started }, 'run executed');
    return {
      status,
      result: ex
        ? session.templating.redact({ extracted: ex.state.extracted, agent: ex.state.agent, screenshots: ex.state.screenshots, final_url: finalUrl(ex.page) })
        : null,
      error,
      costUsd: ex?.costUsd ?? 0,
      stepsCompleted: ex?.stepsCompleted ?? 0,
      stepOutputs: session.templating.redact(ex?.stepOutputs ?? []),
    };
  }

  private async contextOptions(artifacts: RunArtifacts, profile: string | null, proxy: EgressProxy): Promise<BrowserContextOptions> {
    const options: BrowserContextOptions = {
      viewport: { width: 1280, height: 720 },
      acceptDownloads: false,
      // Every request of the context goes through the run's egress proxy, loopback included.
      proxy: { server: proxy.url, bypass: '<-loopback>' },
    };
    if (profile) {
      const state = await this.store.readProfile(profile);
      if (state) options.storageState = state as BrowserContextOptions['storageState'];
    }
    await this.pool.getBrowser();
    if (this.config.browser.recordVideo && this.pool.videoAvailable) {
      options.recordVideo = { dir: artifacts.path('video-parts'), size: { width: 1280, height: 720 } };
    }
    return options;
  }

  private async begin(
    session: RunSession,
    artifacts: RunArtifacts,
    context: BrowserContext,
    started: number,
    guard: NavigationGuard,
    proxy: EgressProxy,
  ): Promise<Execution> {
    context.on('page', (p) => {
      if (x.page && p !== x.page) session.record('popup', { url: p.url() });
    });
    // DOM snapshots let the trace viewer show every action; screencast frames are
    // left to the video, which costs far less CPU than recording them twice.
    // Both are in place before the first step; neither waits for the other.
    await Promise.all([guard.install(context, proxy), context.tracing.start({ screenshots: false, snapshots: true })]);
    const x: Execution = {
      session,
      artifacts,
      guard,
      context,
      state: { extracted: {}, screenshots: [], agent: null },
      page: undefined as unknown as Page,
      tracing: true,
      videoStartedAt: Date.now(),
      videoCutAt: null,
      stepsCompleted: 0,
      costUsd: 0,
      stepOutputs: [],
    };
    x.page = context.pages()[0] ?? (await context.newPage());
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    // setup_ms: from being handed the run to a ready page (context, routes, tracing, page).
    session.record('browser.ready', { steps: session.run.plan.steps.length, allowlist: guard.restricted, setup_ms: Date.now() - started });
    return x;
  }

  private env(x: Execution): StepEnv {
    return {
      page: x.page,
      guard: x.guard,
      templating: x.session.templating,
      allowedDomains: x.session.run.team.allowedDomains,
      state: x.state,
      timeoutMs: () => Math.max(1, Math.min(ACTION_TIMEOUT_MS, x.session.remainingMs())),
      saveScreenshot: async (name, png) => {
        await x.artifacts.write('screenshot', name, `screenshots/${name}.png`, png, 'image/png');
        x.session.record('artifact.saved', { kind: 'screenshot', name });
      },
    };
  }

  private async runPlan(x: Execution): Promise<void> {
    const { run } = x.session;
    const steps = run.plan.steps;
    if (run.plan.start_url) await this.step(x, -1, 'navigate', run.plan.start_url);
    for (const [index, step] of steps.entries()) {
      const [kind, value] = Object.entries(step)[0] ?? ['', undefined];
      const output = await this.step(x, index, kind, value);
      x.stepsCompleted++;
      x.stepOutputs.push({ index, type: kind, status: 'succeeded', output });
      await x.session.progress({ stepsCompleted: x.stepsCompleted });
    }
    if (x.guard.blocked) throw x.guard.blocked;
  }

  /** One step with its events; raced against a blocked navigation and the run's abort. */
  private async step(x: Execution, index: number, kind: string, value: unknown): Promise<unknown> {
    const s = x.session;
    if (s.abortReason) throw s.abortReason;
    if (x.guard.blocked) throw x.guard.blocked;
    const started = Date.now();
    if (typesSecret(kind, value)) {
      // Recordings end here: nothing after this point may show a typed secret.
      x.videoCutAt ??= started;
      if (x.tracing) await this.stopTrace(x, 'a secret is about to be typed');
    }
    x.guard.step = index;
    // since_page_ms: where the step starts on the video's clock.
    s.record('step.started', { index, type: kind, since_page_ms: started - x.videoStartedAt });
    try {
      const work = kind === 'agent' ? this.agent(x, value as { goal: string; max_iterations?: number; secrets?: string[] }) : runStep(this.env(x), kind, value);
      const output = await Promise.race([work, x.guard.violation, s.aborted]);
      if (x.guard.blocked) throw x.guard.blocked;
      s.record('step.finished', { index, type: kind, outcome: 'succeeded', duration_ms: Date.now() - started });
      return output;
    } catch (e) {
      const f = this.toFailure(e, s);
      s.record('step.finished', { index, type: kind, outcome: 'failed', duration_ms: Date.now() - started, error: { code: f.code, message: f.message } });
      x.stepOutputs.push({ index, type: kind, status: 'failed', error: { code: f.code, message: f.message } });
      throw f;
    }
  }

  private async agent(x: Execution, step: { goal: string; max_iterations?: number; secrets?: string[] }): Promise<unknown> {
    const run = x.session.run;
    if (x.tracing) await this.stopTrace(x, 'the agent may type secrets');
    x.anthropic ??= new Anthropic({
      apiKey: await x.session.templating.secret(run.team.anthropicSecretName),
      baseURL: this.config.anthropicBaseUrl ?? null,
      maxRetries: 1,
    });
    const session = x.session;
    const meter: CostMeter = {
      get spent() {
        return x.costUsd;
      },
      cap: run.limits.maxCost,
      add: async (usd) => {
        x.costUsd += usd;
        await session.progress({ costUsd: x.costUsd });
      },
    };
    const result = await runAgent(
      {
        env: this.env(x),
        client: x.anthropic,
        model: run.model ?? DEFAULT_MODEL,
        meter,
        maxIterations: Math.min(step.max_iterations ?? run.limits.maxLoopIterations, run.limits.maxLoopIterations),
        secretNames: step.secrets ?? [],
        signal: session.signal,
        record: (type, data) => session.record(type, data),
      },
      step.goal,
    );
    x.state.agent = result;
    return { result };
  }

  /** Saves the trace so far and stops tracing: what follows may show a secret. */
  private async stopTrace(x: Execution, why: string): Promise<void> {
    x.tracing = false;
    await x.context.tracing.stop({ path: x.artifacts.path('trace.zip') });
    await x.artifacts.add('trace', 'trace.zip', 'trace.zip', 'application/zip');
    x.session.record('trace.stopped', { reason: why });
  }

  /** Trace, storage state, video: best effort, each recorded as an artifact. */
  private async finish(x: Execution, profile: string | null, failure: RunFailure | null): Promise<void> {
    const s = x.session;
    const keep = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        this.logger.warn({ runId: s.run.id, err: s.templating.redact((e as Error).message) }, `${what} not saved`);
      }
    };
    if (x.tracing) await keep('trace', () => this.stopTrace(x, 'run finished'));
    if (profile && failure?.code !== 'cancelled' && failure?.code !== 'invalid_state_key') {
      await keep('storage state', async () => {
        await this.store.writeProfile(profile, await x.context.storageState());
        s.record('state.saved', { state_key: s.run.stateKey });
      });
    }
    const video = x.page.video();
    // Closing the context finishes writing the video file; it is then moved into place.
    await x.context.close().catch(() => undefined);
    if (video) {
      await keep('video', async () => {
        const file = x.artifacts.path('video.webm');
        await rename(await video.path(), file);
        await rm(x.artifacts.path('video-parts'), { recursive: true, force: true });
        if (x.videoCutAt !== null) {
          const keepMs = x.videoCutAt - x.videoStartedAt - VIDEO_CUT_MARGIN_MS;
          const kept = await trimVideo(this.config.browser.ffmpegPath, file, keepMs / 1000);
          s.record('video.trimmed', { kept_ms: kept ? keepMs : 0, reason: 'a secret was typed' });
          if (!kept) return;
        }
        await x.artifacts.add('video', 'video.webm', 'video.webm', 'video/webm');
      });
    }
  }

  private toFailure(e: unknown, session: RunSession): RunFailure {
    if (session.abortReason) return session.abortReason;
    if (e instanceof RunFailure) return e;
    const message = session.templating.redact(String((e as Error)?.message ?? e).split('\n')[0]);
    if ((e as Error)?.name === 'TimeoutError') return new RunFailure('step_failed', message);
    this.logger.error({ runId: session.run.id, err: message }, 'run failed unexpectedly');
    return new RunFailure('browser_error', message);
  }
}

/** A fill whose value names a secret, or an agent step that may type listed secrets. */
function typesSecret(kind: string, value: unknown): boolean {
  if (kind === 'fill') return RunTemplating.mentionsSecret(String((value as { value?: unknown })?.value ?? ''));
  if (kind === 'agent') return ((value as { secrets?: unknown[] })?.secrets?.length ?? 0) > 0;
  return false;
}

function finalUrl(page: Page | undefined): string | null {
  const url = page?.url();
  return url && /^https?:/.test(url) ? url : null;
}
