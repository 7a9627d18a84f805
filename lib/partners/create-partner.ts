import "server-only";
import { db } from "../db";
import { ApiError } from "../errors";
import { actingOwnerId, type Actor } from "../auth/actor";
import type { CreatePartnerInput, PartnerView } from "./partner-input";
import { partnerViewInclude, toPartnerViews } from "./partner-view";

export async function createPartner(actor: Actor, data: CreatePartnerInput): Promise<PartnerView> {
  const ownerId = actingOwnerId(actor);
  const row = await db().$transaction(async (tx) => {
    const clash = await tx.partner.findUnique({ where: { ownerId_name: { ownerId, name: data.name } } });
    if (clash) throw new ApiError("conflict", `A partner named "${data.name}" already exists.`);
    return tx.partner.create({
      data: { ownerId, name: data.name, contactEmail: data.contactEmail ?? null, notes: data.notes ?? null },
      include: partnerViewInclude,
    });
  });
  const [view] = await toPartnerViews(actor, [row]);
  return view!;
}
