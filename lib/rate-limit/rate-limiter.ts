import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ApiError } from "../errors";

export type RateLimitDecision = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

/**
 * Per-key requests-per-minute limits (rate-limiter-flexible, fixed one-minute windows). In memory for one
 * instance; the scale-out work swaps in RateLimiterRedis behind the same interface so instances share counts.
 */
export interface RateLimiter {
  consume(subject: string, limitPerMinute: number): Promise<RateLimitDecision>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly limiters = new Map<number, RateLimiterMemory>();

  async consume(subject: string, limitPerMinute: number): Promise<RateLimitDecision> {
    let limiter = this.limiters.get(limitPerMinute);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: limitPerMinute, duration: 60, keyPrefix: `rpm${limitPerMinute}` });
      this.limiters.set(limitPerMinute, limiter);
    }
    try {
      const res = await limiter.consume(subject, 1);
      return decision(true, limitPerMinute, res);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return decision(false, limitPerMinute, rejection);
      throw rejection;
    }
  }
}

function decision(allowed: boolean, limit: number, res: RateLimiterRes): RateLimitDecision {
  return {
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  return {
    "RateLimit-Limit": String(d.limit),
    "RateLimit-Remaining": String(d.remaining),
    "RateLimit-Reset": String(d.resetSeconds),
  };
}

/** The 429 for a refused decision: the message says who is limited; the headers say when to retry. */
export function rateLimitedError(decision: RateLimitDecision, who: string): ApiError {
  return new ApiError("rate_limited", `${who}. Retry in ${decision.resetSeconds} s.`, {
    headers: { "Retry-After": String(decision.resetSeconds), ...rateLimitHeaders(decision) },
  });
}
