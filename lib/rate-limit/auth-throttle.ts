import "server-only";
import { createHash } from "node:crypto";
import { RateLimiterRes } from "rate-limiter-flexible";
import { memoryCounters, type CounterStore, type WindowCounter } from "./counter-store";

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A sign-in may go ahead, possibly after a pause (the per-email slowdown), or is refused for a while. */
export type SignInVerdict = { allowed: true; delayMs: number } | { allowed: false; retryAfterSeconds: number };

/** The operations the auth throttle needs from a fixed-window counter (see flexibleCounter). */
interface AttemptCounter {
  /** Count one attempt atomically; refused once the window already holds the limit. */
  hit(key: string): Promise<Verdict>;
  /** Count one without any limit (failures that only slow down). */
  add(key: string): Promise<void>;
  /** How many were counted in the current window. */
  count(key: string): Promise<number>;
  /** Take one back (an attempt counted up front that turned out to be a success). */
  giveBack(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export type Limit = { points: number; durationSeconds: number };

export type SlowDown = {
  /** Failures for one email, from all addresses together, that pass without any delay. */
  freeFailures: number;
  durationSeconds: number;
  /** The delay after one failure more than freeFailures; it doubles with each further failure, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
};

export type AuthLimits = {
  signInPerEmailAndIp: Limit;
  signInPerIp: Limit;
  signInSlowDownPerEmail: SlowDown;
  signUpPerIp: Limit;
};

const FIFTEEN_MINUTES = 15 * 60;

/**
 * The limits in force; the sign-up one is KEYWARD_SIGNUP_LIMIT_PER_HOUR (e.g. raised for a workshop).
 * freeFailures is twice the per-(email, IP) limit: one address can fit at most two of its 15-minute windows into
 * one of the email's, so one address alone never slows the owner down.
 */
export function authLimits(signUpLimitPerHour = 20): AuthLimits {
  return {
    signInPerEmailAndIp: { points: 5, durationSeconds: FIFTEEN_MINUTES },
    signInPerIp: { points: 50, durationSeconds: FIFTEEN_MINUTES },
    signInSlowDownPerEmail: {
      freeFailures: 10,
      durationSeconds: FIFTEEN_MINUTES,
      firstDelayMs: 500,
      maxDelayMs: 4000,
    },
    signUpPerIp: { points: signUpLimitPerHour, durationSeconds: 3600 },
  };
}

/** An AttemptCounter over a rate-limiter-flexible limiter (fixed windows of `duration` seconds). */
export function flexibleCounter(limiter: WindowCounter): AttemptCounter {
  return {
    async hit(key) {
      try {
        await limiter.consume(key, 1);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return refused(rejection);
        throw rejection;
      }
    },
    async add(key) {
      await limiter.penalty(key, 1);
    },
    async count(key) {
      return (await limiter.get(key))?.consumedPoints ?? 0;
    },
    async giveBack(key) {
      await limiter.reward(key, 1);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

function refused(res: RateLimiterRes): Verdict {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

/** The pause before checking a password for an email with `failures` recent failures from all addresses. */
export function slowDownDelayMs(failures: number, slowDown: SlowDown): number {
  const over = failures - slowDown.freeFailures;
  if (over <= 0) return 0;
  return Math.min(slowDown.maxDelayMs, slowDown.firstDelayMs * 2 ** Math.min(over - 1, 30));
}

/** Counter keys never hold an email in clear (Redis is shared infrastructure); a digest is as good a key. */
function emailKey(email: string): string {
  return createHash("sha256").update(email).digest("base64url").slice(0, 22);
}

/**
 * Brute-force limits for the dashboard's sign-in and sign-up. The sign-in policy:
 *
 * - **Per (email, IP): 5 attempts that are not successes per 15 minutes**, then that address is refused for that
 *   email until its window ends. This stops guessing one account from one address, and it is the only lockout
 *   an account's failures can cause: it never reaches another address, so an attacker's failures can never
 *   refuse the owner's correct password from anywhere else.
 * - **Per IP: 50 attempts that are not successes per 15 minutes**, over all emails, then the address is refused.
 *   This stops spraying many accounts (or one account) from one address.
 * - **Per email, across all addresses: slow down, never refuse.** Up to 10 failures per 15 minutes cost nothing
 *   (one address alone cannot exceed that); beyond, every attempt on the email, the owner's included, waits
 *   0.5 s, then 1 s, 2 s, up to 4 s before its password is checked. A distributed guesser gets 5 guesses per
 *   address it owns and pays the delay on each; the owner's correct password still goes through, a few seconds
 *   late at worst, and a success clears the slowdown.
 *
 * Attempts are counted per address and per pair before the password is checked (atomically, so a burst of
 * parallel guesses cannot slip past the limit) and given back on success. Known and unknown emails are counted
 * alike, so the throttle reveals nothing about which accounts exist. Without a known client address (only
 * possible outside scripts/server.ts) all callers share one "unknown" address for the pair limit, and the
 * per-IP limit is skipped: a shared bucket would let one caller lock everyone out.
 */
export class AuthThrottle {
  private readonly perPair: AttemptCounter;
  private readonly perIp: AttemptCounter;
  private readonly perEmailFailures: AttemptCounter;
  private readonly signUps: AttemptCounter;

  constructor(
    private readonly limits: AuthLimits = authLimits(),
    store: CounterStore = memoryCounters,
  ) {
    const counter = (name: string, limit: Limit) =>
      flexibleCounter(store({ name, points: limit.points, durationSeconds: limit.durationSeconds }));
    this.perPair = counter("signin-email-ip", limits.signInPerEmailAndIp);
    this.perIp = counter("signin-ip", limits.signInPerIp);
    // Counts with penalty(), which never refuses: the points only bound consume(), which this never calls.
    this.perEmailFailures = counter("signin-email", {
      points: Number.MAX_SAFE_INTEGER,
      durationSeconds: limits.signInSlowDownPerEmail.durationSeconds,
    });
    this.signUps = counter("signup-ip", limits.signUpPerIp);
  }

  /** Call before checking a password; on allowed, wait delayMs first, then report the outcome. */
  async beforeSignIn(email: string | null, ip: string | null): Promise<SignInVerdict> {
    if (ip) {
      const byIp = await this.perIp.hit(ip);
      if (!byIp.allowed) return byIp;
    }
    if (!email) return { allowed: true, delayMs: 0 };
    const byPair = await this.perPair.hit(pairKey(email, ip));
    if (!byPair.allowed) return byPair;
    const failures = await this.perEmailFailures.count(emailKey(email));
    return { allowed: true, delayMs: slowDownDelayMs(failures, this.limits.signInSlowDownPerEmail) };
  }

  async signInFailed(email: string | null): Promise<void> {
    // The address and the pair were counted up front; only the email's slowdown counts failures afterwards.
    if (email) await this.perEmailFailures.add(emailKey(email));
  }

  /** The pair and the email start afresh; the address gets its attempt back but keeps its other failures. */
  async signInSucceeded(email: string, ip: string | null): Promise<void> {
    await Promise.all([
      this.perPair.reset(pairKey(email, ip)),
      this.perEmailFailures.reset(emailKey(email)),
      ip ? this.perIp.giveBack(ip) : undefined,
    ]);
  }

  /**
   * Call once a sign-up passed validation (typos are free; what costs is the password hash and the
   * "already exists" answer). Without a known IP there is nothing to key on: a shared bucket would let one
   * caller lock everyone out, and scripts/server.ts always supplies the socket address.
   */
  async beforeSignUp(ip: string | null): Promise<Verdict> {
    return ip ? this.signUps.hit(ip) : { allowed: true };
  }
}

function pairKey(email: string, ip: string | null): string {
  return `${emailKey(email)}|${ip ?? "unknown"}`;
}

/** "Try again in 3 minutes." for a wait in seconds, rounded up to whole minutes. */
export function retryAfterPhrase(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
