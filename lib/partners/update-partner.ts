import "server-only";
import { db } from "../db";
import { ApiError } from "../errors";
import { ownerFilter, type Actor } from "../auth/actor";
import { invalidateKey } from "../keys/invalidate-key";
import type { PartnerView, UpdatePartnerInput } from "./partner-input";
import { assertMayModifyPartner, findVisiblePartnerOrThrow } from "./partner-access";
import { partnerViewInclude, toPartnerViews } from "./partner-view";

/**
 * Rename a partner or change its contact and notes. Its keys follow the rename at once: the key cache is
 * loaded with the partner's name, so each key of a renamed partner is announced as changed.
 */
export async function updatePartner(actor: Actor, id: string, data: UpdatePartnerInput): Promise<PartnerView> {
  const { row, renamedKeys } = await db().$transaction(async (tx) => {
    const current = await findVisiblePartnerOrThrow(tx, actor, id);
    assertMayModifyPartner(actor, current);
    const renamed = data.name !== undefined && data.name !== current.name;
    if (renamed) {
      const clash = await tx.partner.findUnique({
        where: { ownerId_name: { ownerId: current.ownerId, name: data.name! } },
      });
      if (clash) throw new ApiError("conflict", `A partner named "${data.name}" already exists.`);
    }
    const row = await tx.partner.update({
      where: { id: current.id },
      data: {
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.contactEmail !== undefined ? { contactEmail: data.contactEmail } : {}),
        ...(data.notes !== undefined ? { notes: data.notes } : {}),
      },
      include: partnerViewInclude,
    });
    const renamedKeys = renamed
      ? (await tx.apiKey.findMany({ where: { partnerId: current.id }, select: { keyId: true } })).map((k) => k.keyId)
      : [];
    return { row, renamedKeys };
  });
  for (const keyId of renamedKeys) invalidateKey(keyId);
  const [view] = await toPartnerViews(actor, [row], { includeOwner: ownerFilter(actor) === null });
  return view!;
}
