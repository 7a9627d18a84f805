import "server-only";
import type { Prisma } from "../db";
import { actorAuditFields, type Actor } from "../auth/actor";
import type { AuditAction } from "./key-vocabulary";
import { enqueueKeyEvent } from "../webhooks/outbox";

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * Write an audit entry inside the caller's transaction, so the change and its record commit together; the
 * webhook event for it (if the owner subscribed) is queued in the same transaction (lib/webhooks/outbox.ts).
 */
export async function recordAudit(
  tx: Prisma.TransactionClient,
  entry: {
    apiKeyId: string;
    action: AuditAction;
    actor: Actor | "system";
    changes?: FieldChanges | Record<string, unknown>;
    /** When it happened (default now); a job passes its own clock, which tests fix. */
    at?: Date;
  },
): Promise<void> {
  const who =
    entry.actor === "system"
      ? { actorUserId: null, actorKeyId: null, actorLabel: "system", ip: null }
      : actorAuditFields(entry.actor);
  const created = await tx.auditEvent.create({
    data: {
      apiKeyId: entry.apiKeyId,
      action: entry.action,
      changes: JSON.stringify(entry.changes ?? {}),
      ...who,
      createdAt: entry.at,
    },
  });
  await enqueueKeyEvent(tx, {
    apiKeyId: entry.apiKeyId,
    action: entry.action,
    actorLabel: who.actorLabel,
    changes: entry.changes ?? {},
    at: created.createdAt,
  });
}

export type AuditView = {
  action: AuditAction;
  actor: string;
  ip: string | null;
  changes: Record<string, unknown>;
  at: string;
};

export function toAuditView(row: {
  action: string;
  actorLabel: string;
  ip: string | null;
  changes: string;
  createdAt: Date;
}): AuditView {
  let changes: Record<string, unknown> = {};
  try {
    changes = JSON.parse(row.changes) as Record<string, unknown>;
  } catch {
    changes = {};
  }
  return {
    action: row.action as AuditAction,
    actor: row.actorLabel,
    ip: row.ip,
    changes,
    at: row.createdAt.toISOString(),
  };
}
