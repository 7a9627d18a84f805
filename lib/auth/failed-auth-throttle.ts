import "server-only";
import type { ApiError } from "../errors";
import { rateLimitedError } from "../rate-limit/rate-limiter";
import type { CounterStore, WindowCounter } from "../rate-limit/counter-store";
import { services } from "../services";

/**
 * Callers that keep failing to authenticate (guessing a key, an operator or metrics token, or a broken integration
 * in a loop) are slowed per IP, so they cannot brute-force a credential, grow the log or load the server without
 * bound. One budget per address for every credential Keyward checks (KEYWARD_UNAUTH_LIMIT_PER_MINUTE, shared by
 * the instances through Redis): switching endpoints does not buy more guesses. Valid credentials never pay for it.
 * Returns the 429 to answer instead, or null while the address is under the limit.
 */
export async function throttleFailedAuth(ip: string | null): Promise<ApiError | null> {
  const limit = services().env.KEYWARD_UNAUTH_LIMIT_PER_MINUTE;
  const decision = await services().rateLimiter.consume(`unauthenticated:${ip ?? "unknown"}`, limit);
  if (decision.allowed) return null;
  return rateLimitedError(decision, `Too many requests without valid credentials from ${ip ?? "this address"}`);
}

/** Wrong operator or metrics tokens per address per minute before that address is refused outright. */
export const TOKEN_FAILURES_PER_MINUTE = 30;

const tokenCounters = new WeakMap<CounterStore, WindowCounter>();

/**
 * Compare an operator or metrics token, capping guesses: once an address has sent TOKEN_FAILURES_PER_MINUTE wrong
 * tokens in a minute, every attempt from it is refused with a 429 before any comparison, the right token included,
 * on every instance (the counters are shared through Redis). A right token costs nothing, so a scraper or an
 * operator is never slowed by its own traffic. Returns whether the token matched; throws the 429.
 */
export async function checkTokenAttempt(
  ip: string | null,
  endpoint: "operator" | "metrics",
  matches: () => boolean,
): Promise<boolean> {
  const store = services().counters;
  let counter = tokenCounters.get(store);
  if (!counter) {
    counter = store({ name: "token-failures", points: TOKEN_FAILURES_PER_MINUTE, durationSeconds: 60 });
    tokenCounters.set(store, counter);
  }
  const key = `${endpoint}:${ip ?? "unknown"}`;
  const window = await counter.get(key);
  if (window && window.consumedPoints >= TOKEN_FAILURES_PER_MINUTE) {
    const resetSeconds = Math.max(1, Math.ceil(window.msBeforeNext / 1000));
    throw rateLimitedError(
      { allowed: false, limit: TOKEN_FAILURES_PER_MINUTE, remaining: 0, resetSeconds },
      `Too many wrong ${endpoint} tokens from ${ip ?? "this address"}`,
    );
  }
  if (matches()) return true;
  await counter.penalty(key, 1);
  return false;
}
