import "server-only";
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The three operations the auth throttle needs from a counter store. rate-limiter-flexible's memory and Redis
 * limiters both provide them (see flexibleCounter), so the scale-out work swaps the store, not this module.
 */
interface AttemptCounter {
  /** Whether the key is still under its limit, without counting anything. */
  check(key: string): Promise<Verdict>;
  /** Count one attempt atomically; refused once the limit is reached within the window. */
  hit(key: string): Promise<Verdict>;
  reset(key: string): Promise<void>;
}

export type Limit = { points: number; durationSeconds: number };

export type AuthLimits = { signInPerEmail: Limit; signInPerIp: Limit; signUpPerIp: Limit };

/** The limits in force; the sign-up one is KEYWARD_SIGNUP_LIMIT_PER_HOUR (e.g. raised for a workshop). */
export function authLimits(signUpLimitPerHour = 20): AuthLimits {
  return {
    signInPerEmail: { points: 5, durationSeconds: 15 * 60 },
    signInPerIp: { points: 50, durationSeconds: 15 * 60 },
    signUpPerIp: { points: signUpLimitPerHour, durationSeconds: 3600 },
  };
}

/** An AttemptCounter over any rate-limiter-flexible limiter (fixed windows of `duration` seconds). */
export function flexibleCounter(limiter: RateLimiterAbstract): AttemptCounter {
  return {
    async check(key) {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= limiter.points ? refused(res) : { allowed: true };
    },
    async hit(key) {
      try {
        await limiter.consume(key, 1);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return refused(rejection);
        throw rejection;
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

function refused(res: RateLimiterRes): Verdict {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

type CounterFactory = (name: string, limit: Limit) => AttemptCounter;

const memoryCounters: CounterFactory = (name, limit) =>
  flexibleCounter(new RateLimiterMemory({ keyPrefix: name, points: limit.points, duration: limit.durationSeconds }));

/**
 * Brute-force limits for the dashboard's sign-in and sign-up. Sign-in counts failures per email (so one
 * account cannot be guessed at from many addresses) and per IP (so one address cannot spray many accounts);
 * known and unknown emails are counted alike, so the throttle reveals nothing about which accounts exist.
 */
export class AuthThrottle {
  private readonly perEmail: AttemptCounter;
  private readonly perIp: AttemptCounter;
  private readonly signUps: AttemptCounter;

  constructor(limits: AuthLimits = authLimits(), counters: CounterFactory = memoryCounters) {
    this.perEmail = counters("auth-signin-email", limits.signInPerEmail);
    this.perIp = counters("auth-signin-ip", limits.signInPerIp);
    this.signUps = counters("auth-signup-ip", limits.signUpPerIp);
  }

  /**
   * Call before checking a password. The email's attempt is counted up front, atomically, so a burst of
   * parallel guesses cannot all slip in before the first failure is recorded; success gives it back. An IP
   * that is already over its limit is refused first, so it cannot spend a victim's per-email budget.
   */
  async beforeSignIn(email: string | null, ip: string | null): Promise<Verdict> {
    if (ip) {
      const byIp = await this.perIp.check(ip);
      if (!byIp.allowed) return byIp;
    }
    return email ? this.perEmail.hit(email) : { allowed: true };
  }

  async signInFailed(ip: string | null): Promise<void> {
    if (ip) await this.perIp.hit(ip);
  }

  /** Only the email's count is cleared: the IP's failures still count, or one good account would reset them. */
  async signInSucceeded(email: string): Promise<void> {
    await this.perEmail.reset(email);
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

/** "Try again in 3 minutes." for a wait in seconds, rounded up to whole minutes. */
export function retryAfterPhrase(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
