import type { Redis } from 'ioredis';
import { decide, TokenBucketStore, type BucketDecision } from './token-bucket.js';

/**
 * Refill and take in one Lua script, on Redis's clock, so replicas with
 * skewed clocks still share one exact bucket per team.
 */
const SCRIPT = `
local limit = tonumber(ARGV[1])
local rate = limit / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = limit; at = now end
tokens = math.min(limit, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(limit / rate) + 60000)
return { allowed, tostring(tokens) }
`;

type WithBucket = Redis & { mantisTakeToken(key: string, limit: number): Promise<[number, string]> };

export class RedisTokenBucketStore extends TokenBucketStore {
  private readonly redis: WithBucket;

  constructor(redis: Redis) {
    super();
    redis.defineCommand('mantisTakeToken', { numberOfKeys: 1, lua: SCRIPT });
    this.redis = redis as WithBucket;
  }

  async take(key: string, limit: number): Promise<BucketDecision> {
    const [allowed, tokens] = await this.redis.mantisTakeToken(`mantis:ratelimit:${key}`, limit);
    return decide(limit, Number(tokens), allowed === 1);
  }
}
