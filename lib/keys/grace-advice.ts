import type { GraceUsage } from "./grace-usage";

/** Quiet for this long after the last request on the old secret, the remaining clients have most likely moved. */
const GRACE_QUIET_MS = 24 * 3_600_000;

export type GraceAdvice =
  | { state: "unused" }
  | { state: "quiet"; lastSeenAt: string }
  | { state: "in_use"; lastSeenAt: string; safeAfter: string };

/**
 * Whether it looks safe to end a rotation's grace period: nobody used the old secret, or nobody has for a
 * full day; otherwise the earliest moment it would be, if the last client switched now.
 */
export function graceAdvice(usage: Pick<GraceUsage, "requests" | "lastSeenAt">, now = new Date()): GraceAdvice {
  if (usage.requests === 0 || !usage.lastSeenAt) return { state: "unused" };
  const safeAfter = new Date(Date.parse(usage.lastSeenAt) + GRACE_QUIET_MS);
  if (safeAfter.getTime() <= now.getTime()) return { state: "quiet", lastSeenAt: usage.lastSeenAt };
  return { state: "in_use", lastSeenAt: usage.lastSeenAt, safeAfter: safeAfter.toISOString() };
}
