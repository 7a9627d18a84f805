import "server-only";
import { db } from "../db";
import { ownerFilter, type Actor } from "../auth/actor";
import { findVisibleKeyOrThrow } from "./key-access";
import { keyViewInclude, toKeyView, type KeyView } from "./key-view";
import { toAuditView, type AuditView } from "./audit";

export async function getKeyOrThrow(actor: Actor, keyId: string): Promise<KeyView> {
  const row = await findVisibleKeyOrThrow(db(), actor, keyId);
  const full = await db().apiKey.findUniqueOrThrow({ where: { id: row.id }, include: keyViewInclude });
  return toKeyView(full, { includeOwner: ownerFilter(actor) === null });
}

export async function getKeyAuditOrThrow(actor: Actor, keyId: string, limit = 100): Promise<AuditView[]> {
  const row = await findVisibleKeyOrThrow(db(), actor, keyId);
  const events = await db().auditEvent.findMany({
    where: { apiKeyId: row.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return events.map(toAuditView);
}
