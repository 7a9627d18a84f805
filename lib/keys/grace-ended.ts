import "server-only";
import { db } from "../db";
import { services } from "../services";
import { recordAudit } from "./audit";

const DAY_MS = 86_400_000;
/** Grace periods are at most 30 days (MAX_GRACE_SECONDS): older rotations cannot end a grace now. */
const LOOKBACK_MS = 31 * DAY_MS;

/**
 * Record grace_ended (webhook key.grace_ended) once for each rotation with a grace period whose end passed in the
 * last day: the rotated-out secret is refused from then on. The rotation's own audit entry says when its grace
 * ends; the grace_ended entry, naming that rotation, is the marker that it was recorded. Runs with the expiry sweep.
 */
export async function recordEndedGraces(now = new Date()): Promise<number> {
  const rotations = await db().auditEvent.findMany({
    where: {
      action: "rotated",
      createdAt: { gt: new Date(now.getTime() - LOOKBACK_MS) },
      apiKey: { status: { not: "revoked" } },
    },
    select: { id: true, apiKeyId: true, changes: true },
  });
  const due = rotations.flatMap((r) => {
    const c = JSON.parse(r.changes) as { graceSeconds?: number; previousSecretRetiresAt?: string };
    const endsAt = c.previousSecretRetiresAt ? new Date(c.previousSecretRetiresAt).getTime() : NaN;
    const inWindow = endsAt <= now.getTime() && endsAt > now.getTime() - DAY_MS;
    return (c.graceSeconds ?? 0) > 0 && inWindow ? [{ ...r, retiredAt: c.previousSecretRetiresAt! }] : [];
  });
  if (due.length === 0) return 0;
  const earlier = await db().auditEvent.findMany({
    where: { apiKeyId: { in: due.map((r) => r.apiKeyId) }, action: "grace_ended" },
    select: { changes: true },
  });
  const done = new Set(earlier.map((e) => (JSON.parse(e.changes) as { rotation?: string }).rotation));
  let recorded = 0;
  for (const r of due) {
    if (done.has(r.id)) continue;
    await db().$transaction((tx) =>
      recordAudit(tx, {
        apiKeyId: r.apiKeyId,
        action: "grace_ended",
        actor: "system",
        changes: { retiredAt: r.retiredAt, rotation: r.id },
      }),
    );
    recorded++;
  }
  if (recorded > 0) services().webhooks.kick();
  return recorded;
}
