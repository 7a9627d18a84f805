import "server-only";
import { db, type Prisma } from "../db";
import { containsIgnoringCase } from "../db/text-filter";
import { actingOwnerId, ownerFilter, type Actor } from "../auth/actor";
import type { ListPartnersQuery, PartnerView } from "./partner-input";
import { findVisiblePartnerOrThrow } from "./partner-access";
import { partnerViewInclude, toPartnerViews } from "./partner-view";

export type PartnerPage = { data: PartnerView[]; nextCursor: string | null };

/** The actor's partners by name, a page at a time (cursor = the last partner id of the previous page). */
export async function listPartners(actor: Actor, q: ListPartnersQuery): Promise<PartnerPage> {
  const owner = ownerFilter(actor);
  const where: Prisma.PartnerWhereInput = {
    ...(owner ? { ownerId: owner } : {}),
    ...(q.q ? { name: containsIgnoringCase(q.q) } : {}),
  };
  const cursor = q.cursor ? await db().partner.findFirst({ where: { ...where, id: q.cursor } }) : null;
  const rows = await db().partner.findMany({
    where,
    include: partnerViewInclude,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: q.limit + 1,
    ...(cursor ? { cursor: { id: cursor.id }, skip: 1 } : {}),
  });
  const page = rows.slice(0, q.limit);
  return {
    data: await toPartnerViews(actor, page, { includeOwner: owner === null }),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

export async function getPartnerOrThrow(actor: Actor, id: string): Promise<PartnerView> {
  const row = await findVisiblePartnerOrThrow(db(), actor, id);
  const full = await db().partner.findUniqueOrThrow({ where: { id: row.id }, include: partnerViewInclude });
  const [view] = await toPartnerViews(actor, [full], { includeOwner: ownerFilter(actor) === null });
  return view!;
}

/** Names and ids of the actor's own partners, for the key form's partner picker. */
export async function partnerChoices(actor: Actor): Promise<{ id: string; name: string }[]> {
  return db().partner.findMany({
    where: { ownerId: actingOwnerId(actor) },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}
