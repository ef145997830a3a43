import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';

/**
 * Guards run in order as one Nest guard, synchronously while each answers
 * synchronously. Nest awaits every global guard's answer, a promise and a
 * microtask per guard even when it is a plain `true`; the access guards of
 * an authenticated request with a cached key answer synchronously, so as one
 * chain they cost one (bench/README.md, auth-me). The first `false` or throw
 * ends the chain, exactly as with separate guards.
 */
export class GuardChain implements CanActivate {
  constructor(private readonly guards: readonly CanActivate[]) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    return this.from(0, ctx);
  }

  private from(first: number, ctx: ExecutionContext): boolean | Promise<boolean> {
    for (let i = first; i < this.guards.length; i++) {
      const answer = this.guards[i].canActivate(ctx);
      if (answer === true) continue;
      if (answer === false) return false;
      const pending = isObservable(answer) ? lastValueFrom(answer) : answer;
      return pending.then((ok) => (ok ? this.from(i + 1, ctx) : false));
    }
    return true;
  }
}
