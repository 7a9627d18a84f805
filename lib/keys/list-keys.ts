import "server-only";
import { db, type Prisma } from "../db";
import { containsIgnoringCase } from "../db/text-filter";
import { environmentFilter, ownerFilter, type Actor } from "../auth/actor";
import type { ListKeysQuery } from "./key-input";
import { EXPIRING_SOON_DAYS } from "./key-vocabulary";
import { keyViewInclude, toKeyView, type KeyView } from "./key-view";

export type KeyPage = { data: KeyView[]; nextCursor: string | null };

/** Keys the actor may see, newest first, a page at a time (cursor = the last key id of the previous page). */
export async function listKeys(actor: Actor, q: ListKeysQuery): Promise<KeyPage> {
  const owner = ownerFilter(actor);
  const now = new Date();
  const conditions: Prisma.ApiKeyWhereInput[] = [];
  if (owner) conditions.push({ ownerId: owner });
  if (q.environment) conditions.push({ environment: q.environment });
  const sandbox = environmentFilter(actor);
  if (sandbox) conditions.push({ environment: sandbox });
  if (q.partner) conditions.push({ partner: { name: q.partner } });
  if (q.partnerId) conditions.push({ partnerId: q.partnerId });
  if (q.legacy) conditions.push({ legacy: q.legacy === "true" });
  if (q.q)
    conditions.push({
      OR: [
        { name: containsIgnoringCase(q.q) },
        { keyId: containsIgnoringCase(q.q) },
        { partner: { name: containsIgnoringCase(q.q) } },
      ],
    });
  if (q.status === "revoked") conditions.push({ status: "revoked" });
  const live = { in: ["active", "suspended"] };
  if (q.status === "expired")
    conditions.push({ OR: [{ status: "expired" }, { status: live, expiresAt: { lte: now } }] });
  if (q.status === "active" || q.status === "suspended")
    conditions.push({ status: q.status, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });
  if (q.status === "expiring")
    conditions.push({
      status: "active",
      expiresAt: { gt: now, lte: new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000) },
    });
  const where: Prisma.ApiKeyWhereInput = { AND: conditions };
  let cursorId: string | undefined;
  if (q.cursor) {
    const cursorRow = await db().apiKey.findFirst({ where: { keyId: q.cursor, ...(owner ? { ownerId: owner } : {}) } });
    cursorId = cursorRow?.id;
  }
  const rows = await db().apiKey.findMany({
    where,
    include: keyViewInclude,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(cursorId ? { cursor: { id: cursorId }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => toKeyView(r, { includeOwner: owner === null, now })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.keyId : null,
  };
}
