import { describe, expect, it } from 'vitest';
import { planSchema, planUrls, stateKeySchema } from './plan.schema.js';

describe('plan schema', () => {
  it('accepts every step kind of the vocabulary', () => {
    const plan = {
      start_url: 'https://example.com/',
      steps: [
        { navigate: 'https://example.com/login' },
        { click: '#go' },
        { fill: { selector: '#user', value: '{{inputs.user}}' } },
        { press: { key: 'Enter' } },
        { wait_for: { selector: '#done', timeout_ms: 5000 } },
        { extract: { name: 'title', selector: 'h1', all: false } },
        { screenshot: 'after-login' },
        { assert: { text: 'Welcome' } },
        { agent: { goal: 'find the price', max_iterations: 5 } },
      ],
    };
    const parsed = planSchema.parse(plan);
    expect(parsed).toEqual(plan);
    expect(planUrls(parsed)).toEqual(['https://example.com/', 'https://example.com/login']);
  });

  it.each([
    [{ steps: [] }, 'steps'],
    [{ steps: [{}] }, 'steps.0'],
    [{ steps: [{ navigate: 'https://a/', click: '#b' }] }, 'steps.0'],
    [{ steps: [{ teleport: 'x' }] }, 'steps.0'],
    [{ steps: [{ fill: { selector: '#a' } }] }, 'steps.0.fill.value'],
    [{ steps: [{ fill: { selector: '#a', value: 'x', extra: 1 } }] }, 'steps.0.fill'],
    [{ steps: [{ screenshot: '../etc/passwd' }] }, 'steps.0.screenshot'],
    [{ steps: [{ navigate: 42 }] }, 'steps.0.navigate'],
    [{ steps: ['navigate'] }, 'steps.0'],
    [{ steps: [{ click: '#a' }], extra: true }, ''],
  ])('rejects %j', (plan, path) => {
    const r = planSchema.safeParse(plan);
    expect(r.success).toBe(false);
    expect(r.error!.issues.some((i) => i.path.join('.') === path)).toBe(true);
  });

  it.each(['profile-1', 'a', 'A_b-9'])('accepts state key %s', (k) => {
    expect(stateKeySchema.safeParse(k).success).toBe(true);
  });

  it.each(['', '../x', 'a/b', '.', '..', '-a', 'a b', 'a'.repeat(129), 'ä'])('rejects state key %j', (k) => {
    expect(stateKeySchema.safeParse(k).success).toBe(false);
  });

  it.each([
    [{ steps: [{ navigate: 'https://x.test/{{secrets.a}}' }] }, 'steps.0.navigate'],
    [{ steps: [{ press: { selector: '{{ secrets.a }}', key: 'Enter' } }] }, 'steps.0.press.selector'],
    [{ steps: [{ extract: { name: 'n', selector: 'h1', attribute: '{{secrets.a}}' } }] }, 'steps.0.extract.attribute'],
    [{ steps: [{ agent: { goal: 'use {{secrets.a}}' } }] }, 'steps.0.agent.goal'],
  ])('refuses a secret placeholder outside a fill value: %j', (plan, path) => {
    const r = planSchema.safeParse(plan);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });

  it('accepts secrets in fill values and agent secret lists', () => {
    expect(
      planSchema.safeParse({ steps: [{ fill: { selector: '#p', value: 'pre {{secrets.a}} post' } }, { agent: { goal: 'log in', secrets: ['a'] } }] }).success,
    ).toBe(true);
  });
});
