import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { RateLimiterMemory } from "rate-limiter-flexible";
import {
  AuthThrottle,
  authLimits,
  flexibleCounter,
  retryAfterPhrase,
  slowDownDelayMs,
  type AuthLimits,
} from "./auth-throttle";

const WINDOW = 15 * 60;
const SMALL: AuthLimits = {
  signInPerEmailAndIp: { points: 3, durationSeconds: WINDOW },
  signInPerIp: { points: 5, durationSeconds: WINDOW },
  signInSlowDownPerEmail: { freeFailures: 4, durationSeconds: WINDOW, firstDelayMs: 500, maxDelayMs: 4000 },
  signUpPerIp: { points: 2, durationSeconds: 3600 },
};
const GO = { allowed: true, delayMs: 0 };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], now: new Date("2026-03-01T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

/** One failed sign-in as users.ts reports it. */
async function fail(throttle: AuthThrottle, email: string | null, ip: string | null) {
  const verdict = await throttle.beforeSignIn(email, ip);
  if (verdict.allowed) await throttle.signInFailed(email);
  return verdict;
}

describe("flexibleCounter", () => {
  test("hit counts up to the limit, then refuses with the time left in the window", async () => {
    const counter = flexibleCounter(new RateLimiterMemory({ points: 2, duration: 60 }));
    expect(await counter.hit("k")).toEqual({ allowed: true });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await counter.hit("k")).toEqual({ allowed: true });
    expect(await counter.hit("k")).toEqual({ allowed: false, retryAfterSeconds: 50 });
  });

  test("add counts without a limit, count reads, giveBack takes one back", async () => {
    const counter = flexibleCounter(new RateLimiterMemory({ points: 2, duration: 60 }));
    expect(await counter.count("k")).toBe(0);
    for (let i = 0; i < 5; i++) await counter.add("k");
    expect(await counter.count("k")).toBe(5);
    await counter.giveBack("k");
    expect(await counter.count("k")).toBe(4);
  });

  test("reset and the end of the window both clear the count", async () => {
    const counter = flexibleCounter(new RateLimiterMemory({ points: 1, duration: 60 }));
    await counter.hit("a");
    await counter.hit("b");
    expect((await counter.hit("a")).allowed).toBe(false);
    await counter.reset("a");
    expect(await counter.hit("a")).toEqual({ allowed: true });
    await vi.advanceTimersByTimeAsync(60_001);
    expect(await counter.hit("b")).toEqual({ allowed: true });
  });
});

describe("AuthThrottle sign-in", () => {
  test("one address is refused for an email after its limit; the owner's other address is not", async () => {
    const throttle = new AuthThrottle(SMALL);
    for (let i = 0; i < 3; i++) expect(await fail(throttle, "victim@example.com", "203.0.113.66")).toEqual(GO);
    expect(await throttle.beforeSignIn("victim@example.com", "203.0.113.66")).toEqual({
      allowed: false,
      retryAfterSeconds: WINDOW,
    });
    // Another address, the same email: no lockout and no slowdown (one address cannot cause either).
    expect(await throttle.beforeSignIn("victim@example.com", "198.51.100.1")).toEqual(GO);
    await vi.advanceTimersByTimeAsync(WINDOW * 1000 + 1);
    expect(await throttle.beforeSignIn("victim@example.com", "203.0.113.66")).toEqual(GO);
  });

  test("failures for one email from many addresses slow every attempt on it down, and never refuse", async () => {
    const throttle = new AuthThrottle(SMALL);
    // Four failures are free (freeFailures: the fifth attempt still waits nothing), then each further one doubles the delay, up to the maximum.
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const verdict = await fail(throttle, "victim@example.com", `198.51.100.${i}`);
      expect(verdict.allowed).toBe(true);
      delays.push(verdict.allowed ? verdict.delayMs : -1);
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 500, 1000, 2000, 4000]);
    // The owner from a fresh address waits, then goes ahead; success ends the slowdown for everyone.
    expect(await throttle.beforeSignIn("victim@example.com", "192.0.2.1")).toEqual({ allowed: true, delayMs: 4000 });
    await throttle.signInSucceeded("victim@example.com", "192.0.2.1");
    expect(await throttle.beforeSignIn("victim@example.com", "192.0.2.2")).toEqual(GO);
    // Other emails are not slowed.
    expect(await throttle.beforeSignIn("other@example.com", "192.0.2.2")).toEqual(GO);
  });

  test("the slowdown ends with its window", async () => {
    const throttle = new AuthThrottle(SMALL);
    for (let i = 0; i < 6; i++) await fail(throttle, "victim@example.com", `198.51.100.${i}`);
    expect(await throttle.beforeSignIn("victim@example.com", "192.0.2.1")).toEqual({ allowed: true, delayMs: 1000 });
    await vi.advanceTimersByTimeAsync(WINDOW * 1000 + 1);
    expect(await throttle.beforeSignIn("victim@example.com", "192.0.2.1")).toEqual(GO);
  });

  test("success clears the pair's count but the address keeps its other failures", async () => {
    const throttle = new AuthThrottle(SMALL);
    const ip = "203.0.113.10";
    for (let i = 0; i < 2; i++) await fail(throttle, "a@example.com", ip);
    await throttle.beforeSignIn("a@example.com", ip);
    await throttle.signInSucceeded("a@example.com", ip);
    // The pair starts afresh: three more attempts for a@ from this address.
    for (let i = 0; i < 3; i++) expect(await fail(throttle, "a@example.com", ip)).toEqual(GO);
    // But the address has now failed 5 times (2 + 3): its limit, for every email.
    expect(await throttle.beforeSignIn("b@example.com", ip)).toEqual({ allowed: false, retryAfterSeconds: WINDOW });
  });

  test("failures per IP across many emails are refused after the per-IP limit", async () => {
    const throttle = new AuthThrottle(SMALL);
    const ip = "203.0.113.7";
    for (let i = 0; i < 5; i++) expect(await fail(throttle, `user${i}@example.com`, ip)).toEqual(GO);
    expect(await throttle.beforeSignIn("fresh@example.com", ip)).toEqual({ allowed: false, retryAfterSeconds: WINDOW });
    expect(await throttle.beforeSignIn("fresh@example.com", "203.0.113.8")).toEqual(GO);
  });

  test("an IP over its limit does not spend the pair's budget or slow the email", async () => {
    const throttle = new AuthThrottle(SMALL);
    const ip = "203.0.113.9";
    for (let i = 0; i < 5; i++) await fail(throttle, `spray${i}@example.com`, ip);
    for (let i = 0; i < 10; i++) expect((await fail(throttle, "victim@example.com", ip)).allowed).toBe(false);
    expect(await throttle.beforeSignIn("victim@example.com", "198.51.100.1")).toEqual(GO);
  });

  test("a burst of parallel attempts from one address lets only the pair's limit through", async () => {
    const throttle = new AuthThrottle({ ...SMALL, signInPerIp: { points: 100, durationSeconds: WINDOW } });
    const verdicts = await Promise.all(
      Array.from({ length: 25 }, () => throttle.beforeSignIn("burst@example.com", "198.51.100.1")),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
  });

  test("without an IP, callers share one unknown address for the pair limit and the per-IP limit is skipped", async () => {
    const throttle = new AuthThrottle(SMALL);
    for (let i = 0; i < 10; i++) await fail(throttle, null, null);
    for (let i = 0; i < 3; i++) expect(await fail(throttle, "a@example.com", null)).toEqual(GO);
    expect((await throttle.beforeSignIn("a@example.com", null)).allowed).toBe(false);
    expect(await throttle.beforeSignIn("b@example.com", null)).toEqual(GO);
  });
});

describe("AuthThrottle sign-up", () => {
  test("attempts per IP are limited per hour", async () => {
    const throttle = new AuthThrottle(SMALL);
    expect(await throttle.beforeSignUp("203.0.113.1")).toEqual({ allowed: true });
    expect(await throttle.beforeSignUp("203.0.113.1")).toEqual({ allowed: true });
    expect(await throttle.beforeSignUp("203.0.113.1")).toEqual({ allowed: false, retryAfterSeconds: 3600 });
    expect(await throttle.beforeSignUp("203.0.113.2")).toEqual({ allowed: true });
    await vi.advanceTimersByTimeAsync(3600 * 1000 + 1);
    expect(await throttle.beforeSignUp("203.0.113.1")).toEqual({ allowed: true });
  });
});

describe("authLimits", () => {
  test("sign-in: 5 per (email, IP) and 50 per IP per 15 minutes, slowdown after 10 failures per email", () => {
    expect(authLimits(500)).toEqual({
      signInPerEmailAndIp: { points: 5, durationSeconds: 900 },
      signInPerIp: { points: 50, durationSeconds: 900 },
      signInSlowDownPerEmail: { freeFailures: 10, durationSeconds: 900, firstDelayMs: 500, maxDelayMs: 4000 },
      signUpPerIp: { points: 500, durationSeconds: 3600 },
    });
  });

  test("the free failures per email exceed what one address can make in one email window", () => {
    const limits = authLimits();
    expect(limits.signInPerEmailAndIp.durationSeconds).toBe(limits.signInSlowDownPerEmail.durationSeconds);
    // Two of the pair's windows can overlap one of the email's: 2 x 5 failures.
    expect(limits.signInSlowDownPerEmail.freeFailures).toBeGreaterThanOrEqual(2 * limits.signInPerEmailAndIp.points);
  });
});

test.each([
  [0, 0],
  [10, 0],
  [11, 500],
  [12, 1000],
  [13, 2000],
  [14, 4000],
  [1000, 4000],
])("slowDownDelayMs(%i failures) = %i ms", (failures, ms) => {
  expect(slowDownDelayMs(failures, authLimits().signInSlowDownPerEmail)).toBe(ms);
});

test.each([
  [1, "Try again in 1 minute."],
  [60, "Try again in 1 minute."],
  [61, "Try again in 2 minutes."],
  [900, "Try again in 15 minutes."],
  [0, "Try again in 1 minute."],
])("retryAfterPhrase(%i)", (seconds, phrase) => {
  expect(retryAfterPhrase(seconds)).toBe(phrase);
});
