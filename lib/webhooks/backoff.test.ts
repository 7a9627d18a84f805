import { describe, expect, it } from "vitest";
import { FIRST_RETRY_MS, GIVE_UP_AFTER_MS, MAX_RETRY_DELAY_MS, nextAttemptAt, retryDelayMs } from "./backoff";

const mid = () => 0.5; // no jitter
const low = () => 0; // -20 %
const high = () => 0.999999; // +20 %

describe("retryDelayMs", () => {
  it("grows fourfold from 5 s without jitter", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, mid))).toEqual([5_000, 20_000, 80_000, 320_000, 1_280_000]);
  });

  it("is capped at 12 hours", () => {
    expect(retryDelayMs(8, mid)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(30, mid)).toBe(MAX_RETRY_DELAY_MS);
  });

  it("jitters within ±20 %", () => {
    expect(retryDelayMs(1, low)).toBe(FIRST_RETRY_MS * 0.8);
    expect(retryDelayMs(1, high)).toBe(Math.round(FIRST_RETRY_MS * (1 + 0.2 * (2 * 0.999999 - 1))));
    for (let i = 0; i < 1000; i++) {
      const d = retryDelayMs(3);
      expect(d).toBeGreaterThanOrEqual(64_000);
      expect(d).toBeLessThanOrEqual(96_000);
    }
  });
});

describe("nextAttemptAt", () => {
  const event = new Date("2026-12-01T00:00:00Z");

  it("schedules from now", () => {
    const now = new Date(event.getTime() + 1_000);
    expect(nextAttemptAt(event, 1, now, mid)!.getTime()).toBe(now.getTime() + 5_000);
  });

  it("gives up once the next try would be more than 24 h after the event", () => {
    const lateNow = new Date(event.getTime() + GIVE_UP_AFTER_MS - 1_000);
    expect(nextAttemptAt(event, 1, lateNow, mid)).toBeNull();
    expect(nextAttemptAt(event, 1, new Date(event.getTime() + GIVE_UP_AFTER_MS - 5_000), mid)).not.toBeNull();
  });

  it("a receiver that is down for good gets about 9 tries over 24 hours, then none", () => {
    let now = event;
    let failed = 0;
    for (;;) {
      failed++;
      const next = nextAttemptAt(event, failed, now, mid);
      if (!next) break;
      now = next;
    }
    expect(failed).toBe(9);
    expect(now.getTime() - event.getTime()).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
  });
});
