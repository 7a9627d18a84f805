import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { AuthThrottle, authLimits, flexibleCounter, retryAfterPhrase, type AuthLimits } from "./auth-throttle";

const WINDOW = 15 * 60;
const SMALL: AuthLimits = {
  signInPerEmail: { points: 3, durationSeconds: WINDOW },
  signInPerIp: { points: 5, durationSeconds: WINDOW },
  signUpPerIp: { points: 2, durationSeconds: 3600 },
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], now: new Date("2026-03-01T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("flexibleCounter", () => {
  test("hit counts up to the limit, then refuses with the time left in the window", async () => {
    const counter = flexibleCounter(new RateLimiterMemory({ points: 2, duration: 60 }));
    expect(await counter.hit("k")).toEqual({ allowed: true });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await counter.hit("k")).toEqual({ allowed: true });
    expect(await counter.hit("k")).toEqual({ allowed: false, retryAfterSeconds: 50 });
  });

  test("check reads without counting", async () => {
    const counter = flexibleCounter(new RateLimiterMemory({ points: 2, duration: 60 }));
    expect(await counter.check("k")).toEqual({ allowed: true });
    await counter.hit("k");
    expect(await counter.check("k")).toEqual({ allowed: true });
    expect(await counter.check("k")).toEqual({ allowed: true });
    await counter.hit("k");
    expect(await counter.check("k")).toEqual({ allowed: false, retryAfterSeconds: 60 });
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
  test("the attempt after the per-email limit is refused until the window ends", async () => {
    const throttle = new AuthThrottle(SMALL);
    for (let i = 0; i < 3; i++) {
      expect(await throttle.beforeSignIn("a@example.com", `198.51.100.${i}`)).toEqual({ allowed: true });
      await throttle.signInFailed(`198.51.100.${i}`);
    }
    // A fresh IP does not help: the limit is on the account.
    expect(await throttle.beforeSignIn("a@example.com", "198.51.100.99")).toEqual({
      allowed: false,
      retryAfterSeconds: WINDOW,
    });
    expect(await throttle.beforeSignIn("b@example.com", "198.51.100.99")).toEqual({ allowed: true });
    await vi.advanceTimersByTimeAsync(WINDOW * 1000 + 1);
    expect(await throttle.beforeSignIn("a@example.com", "198.51.100.99")).toEqual({ allowed: true });
  });

  test("success clears the email's count", async () => {
    const throttle = new AuthThrottle(SMALL);
    for (let i = 0; i < 2; i++) await throttle.beforeSignIn("a@example.com", "198.51.100.1");
    await throttle.beforeSignIn("a@example.com", "198.51.100.1");
    await throttle.signInSucceeded("a@example.com");
    for (let i = 0; i < 3; i++) {
      expect(await throttle.beforeSignIn("a@example.com", "198.51.100.1")).toEqual({ allowed: true });
    }
  });

  test("failures per IP across many emails are refused after the per-IP limit", async () => {
    const throttle = new AuthThrottle(SMALL);
    const ip = "203.0.113.7";
    for (let i = 0; i < 5; i++) {
      expect(await throttle.beforeSignIn(`user${i}@example.com`, ip)).toEqual({ allowed: true });
      await throttle.signInFailed(ip);
    }
    expect(await throttle.beforeSignIn("fresh@example.com", ip)).toEqual({ allowed: false, retryAfterSeconds: WINDOW });
    expect(await throttle.beforeSignIn("fresh@example.com", "203.0.113.8")).toEqual({ allowed: true });
  });

  test("an IP over its limit does not spend the email's budget", async () => {
    const throttle = new AuthThrottle(SMALL);
    const ip = "203.0.113.9";
    for (let i = 0; i < 5; i++) await throttle.signInFailed(ip);
    for (let i = 0; i < 10; i++) expect((await throttle.beforeSignIn("victim@example.com", ip)).allowed).toBe(false);
    expect(await throttle.beforeSignIn("victim@example.com", "198.51.100.1")).toEqual({ allowed: true });
  });

  test("successful sign-ins do not clear an IP's failures", async () => {
    const throttle = new AuthThrottle(SMALL);
    const ip = "203.0.113.10";
    for (let i = 0; i < 5; i++) await throttle.signInFailed(ip);
    await throttle.signInSucceeded("mine@example.com");
    expect((await throttle.beforeSignIn("other@example.com", ip)).allowed).toBe(false);
  });

  test("a burst of parallel attempts lets only the limit through", async () => {
    const throttle = new AuthThrottle(SMALL);
    const verdicts = await Promise.all(
      Array.from({ length: 25 }, () => throttle.beforeSignIn("burst@example.com", "198.51.100.1")),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
  });

  test("without an IP only the email limit applies", async () => {
    const throttle = new AuthThrottle(SMALL);
    for (let i = 0; i < 10; i++) await throttle.signInFailed(null);
    expect(await throttle.beforeSignIn("a@example.com", null)).toEqual({ allowed: true });
    expect(await throttle.beforeSignIn(null, null)).toEqual({ allowed: true });
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
  test("sign-in: 5 per email and 50 per IP per 15 minutes; sign-up as configured per IP per hour", () => {
    expect(authLimits(500)).toEqual({
      signInPerEmail: { points: 5, durationSeconds: 900 },
      signInPerIp: { points: 50, durationSeconds: 900 },
      signUpPerIp: { points: 500, durationSeconds: 3600 },
    });
  });
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
