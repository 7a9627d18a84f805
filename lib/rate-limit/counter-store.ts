import "server-only";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisLink } from "../redis/redis-link";

/**
 * A fixed-window counter: the part of a rate-limiter-flexible limiter that Keyward's rate limits and sign-in
 * throttles use. consume() rejects with a RateLimiterRes once the window holds `points`; penalty() counts
 * without a limit; reward() gives points back.
 */
export type WindowCounter = Pick<RateLimiterAbstract, "points" | "consume" | "penalty" | "reward" | "get" | "delete">;

export type WindowSpec = {
  /** Names the counter family (part of every key), e.g. "rpm60" or "signin-ip". */
  name: string;
  points: number;
  durationSeconds: number;
};

/** Makes the counters of one family; the composition root picks per-process memory or shared Redis. */
export type CounterStore = (spec: WindowSpec) => WindowCounter;

/** Counters in this process's memory (one instance, or the fallback while Redis is away). */
export const memoryCounters: CounterStore = ({ name, points, durationSeconds }) =>
  new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });

/**
 * Counters shared by every instance through Redis (atomic Lua increments), each with a memory twin that takes
 * over while Redis is unreachable: limits then hold per instance (N instances allow up to N times the limit)
 * and nobody is refused or kept waiting because Redis is down. When Redis answers again the shared counts
 * resume where they were; what was counted in memory meanwhile is not carried over.
 */
export function redisCounters(link: RedisLink): CounterStore {
  return (spec) => {
    const shared = new RateLimiterRedis({
      storeClient: link.client,
      keyPrefix: `${link.prefix}rl:${spec.name}`,
      points: spec.points,
      duration: spec.durationSeconds,
      // Not connected: fail at once (to the memory twin) rather than wait for a connection.
      rejectIfRedisNotReady: true,
    });
    return new SharedCounter(link, shared, memoryCounters(spec));
  };
}

class SharedCounter implements WindowCounter {
  constructor(
    private readonly link: RedisLink,
    private readonly shared: WindowCounter,
    private readonly local: WindowCounter,
  ) {}

  get points(): number {
    return this.shared.points;
  }

  consume(key: string | number, points = 1) {
    return this.run((c) => c.consume(key, points));
  }

  penalty(key: string | number, points = 1) {
    return this.run((c) => c.penalty(key, points));
  }

  reward(key: string | number, points = 1) {
    return this.run((c) => c.reward(key, points));
  }

  get(key: string | number) {
    return this.run((c) => c.get(key));
  }

  delete(key: string | number) {
    return this.run((c) => c.delete(key));
  }

  private async run<T>(operation: (counter: WindowCounter) => Promise<T>): Promise<T> {
    // The first requests after a start wait for the first connection attempt (at most its 2 s timeout), so
    // they are counted where the others will be; afterwards nothing ever waits for a connection.
    if (this.link.state === "connecting") await this.link.settled;
    if (!this.link.tryUse()) return operation(this.local);
    try {
      // A refusal (RateLimiterRes) is an answer from Redis, not a failure of it.
      return await this.link.run(
        () => operation(this.shared),
        (err) => err instanceof RateLimiterRes,
      );
    } catch (err) {
      if (err instanceof RateLimiterRes) throw err;
      return operation(this.local);
    }
  }
}
