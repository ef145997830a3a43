import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GuardChain } from './guard-chain.js';

const ctx = {} as ExecutionContext;

function recorder() {
  const ran: string[] = [];
  const guard = (name: string, answer: () => ReturnType<CanActivate['canActivate']>): CanActivate => ({
    canActivate: () => {
      ran.push(name);
      return answer();
    },
  });
  return { ran, guard };
}

describe('GuardChain', () => {
  it('answers synchronously while every guard does, running them in order', () => {
    const { ran, guard } = recorder();
    const chain = new GuardChain([guard('auth', () => true), guard('team', () => true), guard('access', () => true)]);
    expect(chain.canActivate(ctx)).toBe(true);
    expect(ran).toEqual(['auth', 'team', 'access']);
  });

  it('waits for a guard that answers later before running the next', async () => {
    const { ran, guard } = recorder();
    let release!: (ok: boolean) => void;
    const chain = new GuardChain([guard('auth', () => new Promise<boolean>((r) => (release = r))), guard('team', () => of(true)), guard('rate', () => true)]);
    const answer = chain.canActivate(ctx);
    expect(ran).toEqual(['auth']);
    release(true);
    await expect(answer).resolves.toBe(true);
    expect(ran).toEqual(['auth', 'team', 'rate']);
  });

  it('stops at the first refusal or error, like separate guards', async () => {
    const { ran, guard } = recorder();
    expect(new GuardChain([guard('a', () => true), guard('b', () => false), guard('c', () => true)]).canActivate(ctx)).toBe(false);
    await expect(new GuardChain([guard('d', () => Promise.resolve(false)), guard('e', () => true)]).canActivate(ctx)).resolves.toBe(false);
    const denied = new GuardChain([
      guard('f', () => {
        throw new Error('denied');
      }),
      guard('g', () => true),
    ]);
    expect(() => denied.canActivate(ctx)).toThrow('denied');
    await expect(new GuardChain([guard('h', () => Promise.reject(new Error('late'))), guard('i', () => true)]).canActivate(ctx)).rejects.toThrow('late');
    expect(ran).toEqual(['a', 'b', 'd', 'f', 'h']);
  });
});
