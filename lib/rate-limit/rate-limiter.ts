import "server-only";
import { RateLimiterRes } from "rate-limiter-flexible";
import { ApiError } from "../errors";
import { memoryCounters, type CounterStore, type WindowCounter } from "./counter-store";

export type RateLimitDecision = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

/**
 * Requests-per-minute limits: per key, and per IP for callers without valid credentials (lib/auth/api-key-guard.ts).
 */
export interface RateLimiter {
  consume(subject: string, limitPerMinute: number): Promise<RateLimitDecision>;
}

/**
 * Fixed one-minute windows (rate-limiter-flexible) in a counter store: this process's memory, or Redis shared by
 * every instance with a per-instance fallback while Redis is away (lib/rate-limit/counter-store.ts).
 */
export class PerMinuteRateLimiter implements RateLimiter {
  private readonly limiters = new Map<number, WindowCounter>();

  constructor(private readonly store: CounterStore = memoryCounters) {}

  async consume(subject: string, limitPerMinute: number): Promise<RateLimitDecision> {
    let limiter = this.limiters.get(limitPerMinute);
    if (!limiter) {
      limiter = this.store({ name: `rpm${limitPerMinute}`, points: limitPerMinute, durationSeconds: 60 });
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
