import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';

const noYaml = { MANTIS_CONFIG: undefined } as NodeJS.ProcessEnv;

describe('loadConfig', () => {
  it('applies the documented defaults with an empty environment', () => {
    const c = loadConfig({ ...noYaml });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.autoMigrate).toBe(true);
    expect(c.limits).toEqual({ maxCostUsd: 25, maxRuntimeMinutes: 60, maxStepsPerPlan: 100, maxLoopIterations: 50 });
    expect(c.metricsAuth).toBe('open');
    expect(c.webhooks.retryScheduleSeconds).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(Object.isFrozen(c) && Object.isFrozen(c.limits)).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['MANTIS_AUTO_MIGRATE', 'maybe'],
    ['MANTIS_MAX_COST_USD', '-1'],
    ['MANTIS_METRICS_AUTH', 'everyone'],
    ['REDIS_URL', 'http://localhost'],
    ['MANTIS_AUTH_OIDC_ISSUER_URL', 'not a url'],
    ['MANTIS_WEBHOOK_RETRY_SCHEDULE', '1,x,3'],
    ['MANTIS_BROWSER_UID', '0'],
    ['MANTIS_BROWSER_UID', 'mantis-browser'],
    ['MANTIS_BROWSER_UID', '10002:0'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ ...noYaml, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...noYaml, [name]: value })).toThrow(new RegExp(name));
  });

  it('reads MANTIS_BROWSER_UID as uid[:gid], unset meaning the worker user', () => {
    expect(loadConfig({ ...noYaml }).browser.user).toBeUndefined();
    expect(loadConfig({ ...noYaml, MANTIS_BROWSER_UID: '' }).browser.user).toBeUndefined();
    expect(loadConfig({ ...noYaml, MANTIS_BROWSER_UID: '10002' }).browser.user).toEqual({ uid: 10002, gid: 10002 });
    expect(loadConfig({ ...noYaml, MANTIS_BROWSER_UID: '10002:10003' }).browser.user).toEqual({ uid: 10002, gid: 10003 });
  });

  it('needs an audience (or client id) when OIDC is configured', () => {
    expect(() => loadConfig({ ...noYaml, MANTIS_AUTH_OIDC_ISSUER_URL: 'https://id.example.com' })).toThrow(/MANTIS_AUTH_OIDC_AUDIENCE/);
    const c = loadConfig({
      ...noYaml,
      MANTIS_AUTH_OIDC_ISSUER_URL: 'https://id.example.com',
      MANTIS_AUTH_OIDC_AUDIENCE: 'mantis',
      MANTIS_AUTH_OIDC_ALLOWED_DOMAINS: 'Example.com, corp.io',
    });
    expect(c.oidc).toMatchObject({ issuerUrl: 'https://id.example.com', audience: 'mantis', allowedDomains: ['example.com', 'corp.io'] });
  });

  it('reads mantis.yaml, with the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mantis-cfg-'));
    const file = join(dir, 'mantis.yaml');
    writeFileSync(
      file,
      'port: 9090\nauth:\n  oidc:\n    issuer_url: https://sso.example.com\n    audience: api\n    allowed_domains: [a.com, b.com]\nmax_cost_usd: 3\n',
    );
    const c = loadConfig({ MANTIS_CONFIG: file, MANTIS_MAX_COST_USD: '2' });
    expect(c.port).toBe(9090);
    expect(c.oidc).toMatchObject({ issuerUrl: 'https://sso.example.com', audience: 'api', allowedDomains: ['a.com', 'b.com'] });
    expect(c.limits.maxCostUsd).toBe(2);
  });

  it('names MANTIS_CONFIG when the file is missing or not YAML', () => {
    expect(() => loadConfig({ MANTIS_CONFIG: '/nonexistent/mantis.yaml' })).toThrow(/MANTIS_CONFIG/);
    const dir = mkdtempSync(join(tmpdir(), 'mantis-cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'a: [1, 2\n');
    expect(() => loadConfig({ MANTIS_CONFIG: join(dir, 'bad.yaml') })).toThrow(/MANTIS_CONFIG/);
  });
});
