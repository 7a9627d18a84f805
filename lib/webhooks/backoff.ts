/**
 * When to try a failed delivery again: exponential backoff (5 s, then ×4 each time: 20 s, 80 s, 5 min, 21 min,
 * 85 min, 5.7 h, then capped at 12 h) with ±20 % jitter, so receivers coming back from an outage are not hit
 * by every queued delivery in the same second. A delivery is given up once the next try would fall more than
 * 24 hours after the event.
 */
export const FIRST_RETRY_MS = 5_000;
export const BACKOFF_FACTOR = 4;
export const MAX_RETRY_DELAY_MS = 12 * 3600_000;
export const GIVE_UP_AFTER_MS = 24 * 3600_000;
export const JITTER = 0.2;

/** Delay before the next try after `failedAttempts` failures (1 = the first try failed). */
export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const base = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_MS * BACKOFF_FACTOR ** exponent);
  const jitter = 1 + JITTER * (2 * random() - 1);
  return Math.round(base * jitter);
}

/** The next try's time, or null when the delivery should be given up (past 24 h since the event). */
export function nextAttemptAt(
  eventAt: Date,
  failedAttempts: number,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(failedAttempts, random));
  return next.getTime() - eventAt.getTime() > GIVE_UP_AFTER_MS ? null : next;
}
