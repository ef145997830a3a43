import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusedRange } from '../../src/platform/net/egress-policy.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan, type ExecResult } from '../support/executor-harness.js';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../support/fake-anthropic.js';
import { createTeam } from '../support/factories.js';
import { startInternalServer, type InternalServer } from '../support/internal-server.js';
import { putSecret } from '../support/team-secrets.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/**
 * The browser egress policy with real Chromium: the test site on 127.0.0.1
 * is let through by MANTIS_BROWSER_PRIVATE_RANGES=127.0.0.1/32 (the test
 * app's default), the "internal" server on 127.0.0.2 is not. Every case
 * asserts the internal server saw not even a connection.
 */
describe('executor: the browser egress policy', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;
  let internal: InternalServer;
  let anthropic: FakeAnthropic;

  beforeAll(async () => {
    site = await startTestSite();
    internal = await startInternalServer();
    anthropic = await startFakeAnthropic();
    t = await buildTestApp({ env: { MANTIS_RECORD_VIDEO: 'false', MANTIS_ANTHROPIC_BASE_URL: anthropic.url } });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([site?.close(), internal?.close(), anthropic?.close()]);
  });
  afterEach(() => {
    expect(internal.connections).toBe(0);
    expect(internal.requests).toEqual([]);
  });

  const raw = (html: string) => `${site.url}/raw?html=${encodeURIComponent(html)}`;
  const blocks = (r: ExecResult) => r.events.filter((e) => e.type === 'request.blocked').map((e) => e.data);

  async function expectRefused(plan: { steps: Record<string, unknown>[] }, code: string, reason: string) {
    const team = await createTeam(t.prisma);
    const r = await executePlan(t, team, plan);
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.error?.code).toBe(code);
    expect(blocks(r).map((b) => b.reason)).toContain(reason);
    expect(JSON.stringify(r.outcome)).not.toContain('root:');
    expect(JSON.stringify(r.outcome)).not.toContain('INTERNAL-ONLY');
    return r;
  }

  it('refuses a top-level navigate to the internal address, naming the step', async () => {
    const r = await expectRefused(
      { steps: [{ navigate: `${site.url}/` }, { navigate: `${internal.url}/admin` }] },
      'destination_not_allowed',
      'address_not_allowed',
    );
    expect(blocks(r)[0]).toMatchObject({ url: `${internal.url}/admin`, step: 1, code: 'destination_not_allowed', range: 'loopback' });
  });

  it('refuses a 302 hop to the internal address before the browser follows it', async () => {
    const target = `${internal.url}/secret`;
    const r = await expectRefused(
      { steps: [{ navigate: `${site.url}/redirect?to=${encodeURIComponent(target)}` }] },
      'destination_not_allowed',
      'redirect_not_allowed',
    );
    expect(blocks(r)[0]).toMatchObject({ url: target, step: 0 });
  });

  it('refuses a popup (window.open) to the internal address and fails the run', async () => {
    const target = `${internal.url}/popup`;
    const html = `<button id="go" onclick="window.open('${target}')">go</button>`;
    const r = await expectRefused(
      { steps: [{ navigate: raw(html) }, { click: '#go' }, { wait_for: { timeout_ms: 2_000 } }] },
      'destination_not_allowed',
      'address_not_allowed',
    );
    expect(blocks(r)[0]).toMatchObject({ url: target, step: 1 });
  });

  it('charges a popup refused after its opening step returned to the step that opened it', async () => {
    // The popup's page answers slowly, then redirects to the internal address: the refusal
    // reaches the proxy while the next step (the wait) is running.
    const target = `${internal.url}/late`;
    const slow = `${site.url}/redirect?delay_ms=500&to=${encodeURIComponent(target)}`;
    const html = `<button id="go" onclick="window.open('${slow}')">go</button>`;
    const r = await expectRefused(
      { steps: [{ navigate: raw(html) }, { click: '#go' }, { wait_for: { timeout_ms: 5_000 } }] },
      'destination_not_allowed',
      'redirect_not_allowed',
    );
    expect(blocks(r)[0]).toMatchObject({ url: target, step: 1, redirected_from: slow });
    const finished = r.events.filter((e) => e.type === 'step.finished').map((e) => e.data.index);
    expect(finished).toEqual([0, 1, 2]); // the click step had returned when the refusal came
  });

  it('strips credentials from the URL it reports', async () => {
    const r = await expectRefused(
      { steps: [{ navigate: `http://admin:hunter2@127.0.0.2:${internal.port}/` }] },
      'destination_not_allowed',
      'address_not_allowed',
    );
    expect(JSON.stringify(r.events)).not.toContain('hunter2');
    expect(JSON.stringify(r.outcome)).not.toContain('hunter2');
  });

  it('fails iframe, fetch, XHR, image, WebSocket and worker requests from an allowed page as network errors', async () => {
    const i = internal.url;
    const html = `<p id="out"></p><iframe src="${i}/iframe"></iframe>
      <script>
        const seen = {};
        function note(k, v) { seen[k] = v; document.getElementById('out').textContent = JSON.stringify(seen);
          if (Object.keys(seen).length === 5) { const d = document.createElement('div'); d.id = 'done'; d.textContent = 'done'; document.body.appendChild(d); } }
        const img = new Image(); img.onload = () => note('img', 'loaded'); img.onerror = () => note('img', 'blocked'); img.src = '${i}/img.png';
        fetch('${i}/fetch').then(() => note('fetch', 'loaded'), () => note('fetch', 'blocked'));
        const x = new XMLHttpRequest(); x.open('GET', '${i}/xhr'); x.onload = () => note('xhr', 'loaded'); x.onerror = () => note('xhr', 'blocked'); x.send();
        const ws = new WebSocket('ws://127.0.0.2:${internal.port}/ws'); ws.onopen = () => note('ws', 'loaded'); ws.onerror = () => note('ws', 'blocked');
        const src = "fetch('${i}/worker').then(() => postMessage('loaded'), () => postMessage('blocked'))";
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' }))); w.onmessage = (e) => note('worker', e.data);
      </script>`;
    const team = await createTeam(t.prisma);
    const r = await executePlan(t, team, {
      steps: [{ navigate: raw(html) }, { wait_for: { selector: '#done' } }, { extract: { name: 'out', selector: '#out' } }],
    });
    expect(r.outcome.error).toBeNull();
    expect(JSON.parse(String(r.outcome.result?.extracted.out))).toEqual({ img: 'blocked', fetch: 'blocked', xhr: 'blocked', ws: 'blocked', worker: 'blocked' });
    const urls = blocks(r).map((b) => b.url);
    for (const path of ['/iframe', '/img.png', '/fetch', '/xhr', '/worker']) expect(urls).toContain(`${i}${path}`);
    // A WebSocket is a tunnel: its path travels encrypted, so the origin is what is reported.
    expect(urls).toContain(`https://127.0.0.2:${internal.port}`);
    expect(blocks(r).every((b) => b.reason === 'address_not_allowed' && b.step === 0)).toBe(true);
  });

  it('fails service worker and shared worker requests to the internal address', async () => {
    const i = internal.url;
    const sw = `self.addEventListener('message', (e) => fetch('${i}/sw').then(() => e.source.postMessage('loaded'), () => e.source.postMessage('blocked')));`;
    const shared = `onconnect = (e) => { const p = e.ports[0]; fetch('${i}/shared').then(() => p.postMessage('loaded'), () => p.postMessage('blocked')); };`;
    const html = `<p id="out"></p><script>
      const seen = {};
      function note(k, v) { seen[k] = v; document.getElementById('out').textContent = JSON.stringify(seen);
        if (Object.keys(seen).length === 2) { const d = document.createElement('div'); d.id = 'done'; d.textContent = 'done'; document.body.appendChild(d); } }
      navigator.serviceWorker.onmessage = (e) => note('service', e.data);
      navigator.serviceWorker.register('/js?src=' + encodeURIComponent(${JSON.stringify(sw)})).then(() => navigator.serviceWorker.ready).then((reg) => reg.active.postMessage('go'), (err) => note('service', 'register failed ' + err));
      const w = new SharedWorker('/js?src=' + encodeURIComponent(${JSON.stringify(shared)})); w.port.onmessage = (e) => note('shared', e.data); w.port.start();
    </script>`;
    const team = await createTeam(t.prisma);
    const r = await executePlan(t, team, {
      steps: [{ navigate: raw(html) }, { wait_for: { selector: '#done' } }, { extract: { name: 'out', selector: '#out' } }],
    });
    expect(r.outcome.error).toBeNull();
    expect(JSON.parse(String(r.outcome.result?.extracted.out))).toEqual({ service: 'blocked', shared: 'blocked' });
    expect(blocks(r).map((b) => b.url)).toEqual(expect.arrayContaining([`${i}/sw`, `${i}/shared`]));
  });

  it('never loads file: by navigate', async () => {
    const r = await expectRefused(
      { steps: [{ navigate: 'file:///etc/passwd' }, { extract: { name: 'x', selector: 'body' } }] },
      'destination_not_allowed',
      'scheme_not_allowed',
    );
    expect(blocks(r)[0]).toMatchObject({ url: 'file:///etc/passwd', step: 0 });
  });

  it('never loads file: by redirect', async () => {
    await expectRefused(
      { steps: [{ navigate: `${site.url}/redirect?to=${encodeURIComponent('file:///etc/passwd')}` }, { extract: { name: 'x', selector: 'body' } }] },
      'destination_not_allowed',
      'redirect_not_allowed',
    );
  });

  // A web page's file: request is refused inside Chromium's renderer before any request exists: the policy still sees it.
  for (const [how, html, action, steps] of [
    ['a link click', '<a id="go" href="file:///etc/passwd">go</a>', { click: '#go' }, [1]],
    ['a target=_blank link', '<a id="go" target="_blank" href="file:///etc/passwd">go</a>', { click: '#go' }, [1]],
    ['window.open', `<button id="go" onclick="window.open('file:///etc/passwd')">go</button>`, { click: '#go' }, [1]],
    ['a form', '<form action="file:///etc/passwd"><button id="go">go</button></form>', { click: '#go' }, [1]],
    // The refresh fires after the page's load event: during the navigate or the wait after it.
    ['a meta refresh', '<meta http-equiv="refresh" content="0;url=file:///etc/passwd"><p>moving</p>', { wait_for: { timeout_ms: 5_000 } }, [0, 1]],
  ] as const) {
    it(`never loads file: by ${how}, and fails the run by policy`, async () => {
      const team = await createTeam(t.prisma);
      const r = await executePlan(t, team, {
        steps: [{ navigate: raw(html) }, action, { extract: { name: 'x', selector: 'body' } }],
      });
      expect(JSON.stringify(r.outcome)).not.toContain('root:');
      expect(r.outcome.status).toBe('failed');
      expect(r.outcome.error?.code).toBe('destination_not_allowed');
      const block = blocks(r).find((b) => b.url?.toString().startsWith('file:'));
      expect(block).toMatchObject({ url: expect.stringMatching(/^file:\/\/\/etc\/passwd\??$/), code: 'destination_not_allowed', reason: 'scheme_not_allowed' });
      expect(steps).toContain(block?.step);
      // Reported once, and the step that caused it is the step that failed.
      expect(blocks(r).filter((b) => b.url?.toString().startsWith('file:'))).toHaveLength(1);
      const failed = r.events.find((e) => e.type === 'step.finished' && e.data.outcome === 'failed');
      expect(failed?.data.index).toBe(block?.step);
      expect(r.outcome.stepsCompleted).toBe(block?.step);
    });
  }

  it('refuses a file: iframe inside an allowed page as a sub-resource: an event, and the run goes on', async () => {
    const team = await createTeam(t.prisma);
    const r = await executePlan(t, team, {
      steps: [{ navigate: raw('<p id="p">page</p><iframe src="file:///etc/passwd"></iframe>') }, { extract: { name: 'x', selector: '#p' } }],
    });
    expect(r.outcome.error).toBeNull();
    expect(r.outcome.result?.extracted.x).toBe('page');
    expect(blocks(r)).toEqual([expect.objectContaining({ url: 'file:///etc/passwd', reason: 'scheme_not_allowed', step: 0 })]);
  });

  it('sees a file: window.open from a cross-site iframe, which renders in a process of its own', async () => {
    const inner = `${site.otherHostUrl}/raw?html=${encodeURIComponent(`<button id="go" onclick="window.open('file:///etc/passwd')">go</button>`)}`;
    const team = await createTeam(t.prisma);
    const r = await executePlan(t, team, {
      steps: [
        { navigate: raw(`<iframe id="f" src="${inner}"></iframe>`) },
        { click: '#f >> internal:control=enter-frame >> #go' },
        { extract: { name: 'x', selector: 'body' } },
      ],
    });
    expect(r.outcome.error?.code).toBe('destination_not_allowed');
    expect(blocks(r)).toEqual([expect.objectContaining({ url: 'file:///etc/passwd', reason: 'scheme_not_allowed', step: 1 })]);
  });

  it('never loads file: when the agent clicks a file: link', async () => {
    const team = await createTeam(t.prisma);
    await putSecret(t, team, 'anthropic_api_key', 'sk-ant-test');
    anthropic.script([toolUse('click', { selector: '#go' }), toolUse('extract', { name: 'x', selector: 'body' }), toolUse('done', { result: 'x' })]);
    const before = anthropic.requests.length;
    const r = await executePlan(t, team, {
      steps: [{ navigate: raw('<a id="go" href="file:///etc/passwd">go</a>') }, { agent: { goal: 'open the link' } }],
    });
    expect(r.outcome.error?.code).toBe('destination_not_allowed');
    expect(blocks(r)).toEqual([expect.objectContaining({ url: 'file:///etc/passwd', reason: 'scheme_not_allowed', step: 1 })]);
    // The click ends the run: the model is not asked again.
    expect(anthropic.requests.length - before).toBe(1);
    expect(JSON.stringify(r.outcome)).not.toContain('root:');
  });

  it('never loads file: for the agent', async () => {
    const team = await createTeam(t.prisma);
    await putSecret(t, team, 'anthropic_api_key', 'sk-ant-test');
    anthropic.script([
      toolUse('navigate', { url: 'file:///etc/passwd' }),
      toolUse('extract', { name: 'x', selector: 'body' }),
      toolUse('done', { result: 'x' }),
    ]);
    const before = anthropic.requests.length;
    const r = await executePlan(t, team, { steps: [{ navigate: `${site.url}/` }, { agent: { goal: 'read the file' } }] });
    expect(r.outcome.error?.code).toBe('destination_not_allowed');
    expect(blocks(r)[0]).toMatchObject({ url: 'file:///etc/passwd', reason: 'scheme_not_allowed', step: 1 });
    expect(anthropic.requests.length - before).toBe(1);
    expect(JSON.stringify(anthropic.requests.slice(before))).not.toContain('root:');
  });
});

describe('executor: a host name that resolves to a private address', { timeout: 120_000 }, () => {
  let t: TestApp;
  let target: InternalServer;
  const name = hostname();

  beforeAll(async () => {
    // This machine's own name resolves (through /etc/hosts) to a non-public address: that is the case under test.
    const addresses = await lookup(name, { all: true });
    expect(addresses.length).toBeGreaterThan(0);
    expect(refusedRange(addresses[0].address)).not.toBeNull();
    target = await startInternalServer(addresses[0].address);
    t = await buildTestApp({ env: { MANTIS_RECORD_VIDEO: 'false', MANTIS_BROWSER_PRIVATE_RANGES: '' } });
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  it('is refused by the address connected to, not by its name', async () => {
    const team = await createTeam(t.prisma);
    const url = `http://${name}:${target.port}/`;
    const r = await executePlan(t, team, { steps: [{ navigate: url }, { extract: { name: 'x', selector: 'body' } }] });
    expect(r.outcome.error?.code).toBe('destination_not_allowed');
    const block = r.events.find((e) => e.type === 'request.blocked')?.data;
    expect(block).toMatchObject({ reason: 'address_not_allowed', step: 0 });
    expect(target.connections).toBe(0);
  });
});
