import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "../db";
import { ApiError, invalidField } from "../errors";
import { ownerFilter, type Actor } from "../auth/actor";
import { services } from "../services";

/** The partner this actor may see, or not_found: another owner's partner is never confirmed to exist. */
export async function findVisiblePartnerOrThrow(tx: Prisma.TransactionClient, actor: Actor, id: string) {
  const owner = ownerFilter(actor);
  const row = await tx.partner.findFirst({ where: { id, ...(owner ? { ownerId: owner } : {}) } });
  if (!row) throw new ApiError("not_found", `No partner with id "${id}".`);
  return row;
}

/** Support staff may read any partner but only change their own (as with keys). */
export function assertMayModifyPartner(actor: Actor, row: { ownerId: string; name: string }): void {
  if (actor.kind === "user" && actor.role === "support" && row.ownerId !== actor.userId) {
    throw new ApiError("forbidden", `Support staff can read partner "${row.name}" but not change it; ask its owner.`);
  }
}

/**
 * The partner a key should belong to, from a key's input: `partnerId` picks one of the owner's partners,
 * `partner` names one (created on the spot when the owner has none by that name, the form's inline create),
 * null detaches. undefined when the input says nothing about the partner.
 */
export async function resolveKeyPartner(
  tx: Prisma.TransactionClient,
  ownerId: string,
  input: { partnerId?: string | null; partner?: string | null },
): Promise<{ id: string; name: string } | null | undefined> {
  if (input.partnerId && input.partner) {
    throw invalidField("partner", "send partnerId or a partner name, not both");
  }
  if (input.partnerId) {
    const row = await tx.partner.findFirst({
      where: { id: input.partnerId, ownerId },
      select: { id: true, name: true },
    });
    if (!row) throw new ApiError("not_found", `No partner with id "${input.partnerId}".`);
    return row;
  }
  if (input.partner) {
    const name = input.partner;
    const where = { ownerId_name: { ownerId, name } };
    const existing = await tx.partner.findUnique({ where, select: { id: true, name: true } });
    if (existing) return existing;
    // Two keys created at once for a new partner name must end up with one partner, not a unique-constraint
    // error (which would also abort a PostgreSQL transaction): insert unless it exists, then read it.
    const sqlite = services().env.databaseProvider === "sqlite";
    const now = sqlite ? "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')" : "CURRENT_TIMESTAMP";
    const [p1, p2, p3] = sqlite ? ["?", "?", "?"] : ["$1", "$2", "$3"];
    await tx.$executeRawUnsafe(
      `INSERT INTO "Partner" ("id", "ownerId", "name", "createdAt", "updatedAt") VALUES (${p1}, ${p2}, ${p3}, ${now}, ${now}) ON CONFLICT ("ownerId", "name") DO NOTHING`,
      `p${randomUUID().replace(/-/g, "")}`,
      ownerId,
      name,
    );
    return tx.partner.findUniqueOrThrow({ where, select: { id: true, name: true } });
  }
  if (input.partnerId === null || input.partner === null) return null;
  return undefined;
}
