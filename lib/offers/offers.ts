import "server-only";
import type { KeyEnvironment } from "../keys/key-vocabulary";
import { createHash } from "node:crypto";
import { db } from "../db";
import { ApiError, issuesDetail } from "../errors";
import { storedEnum } from "../schema-values";
import { KEY_ENVIRONMENTS } from "../keys/key-vocabulary";
import { CURRENCIES, OFFER_STATUSES, type CreateOfferInput, type ListOffersQuery, type OfferView } from "./offer-input";

/** Whose offers a partner key sees: its owner's, in its own environment (test offers are a sandbox). */
type OfferScope = { ownerId: string; environment: KeyEnvironment; apiKeyId: string; keyId: string };

type OfferRow = {
  id: string;
  inventoryItemId: string;
  keyId: string;
  amountCents: number;
  currency: string;
  note: string | null;
  status: string;
  environment: string;
  createdAt: Date;
  withdrawnAt: Date | null;
};

function toOfferView(row: OfferRow): OfferView {
  return {
    id: row.id,
    inventoryItemId: row.inventoryItemId,
    amountCents: row.amountCents,
    currency: storedEnum(CURRENCIES, row.currency, "offer currency"),
    note: row.note,
    status: storedEnum(OFFER_STATUSES, row.status, "offer status"),
    environment: storedEnum(KEY_ENVIRONMENTS, row.environment, "offer environment"),
    keyId: row.keyId,
    createdAt: row.createdAt.toISOString(),
    withdrawnAt: row.withdrawnAt?.toISOString() ?? null,
  };
}

export async function listOffers(
  scope: OfferScope,
  q: ListOffersQuery,
): Promise<{ data: OfferView[]; nextCursor: string | null }> {
  const rows = await db().offer.findMany({
    where: {
      ownerId: scope.ownerId,
      environment: scope.environment,
      ...(q.status ? { status: q.status } : {}),
      ...(q.inventoryItemId ? { inventoryItemId: q.inventoryItemId } : {}),
      ...(q.cursor ? { id: { lt: q.cursor } } : {}),
    },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return { data: page.map(toOfferView), nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

/** Another owner's offer, or one from the other environment, is "not found". */
export async function getOfferOrThrow(scope: OfferScope, id: string): Promise<OfferView> {
  const row =
    id.length <= 64
      ? await db().offer.findFirst({ where: { id, ownerId: scope.ownerId, environment: scope.environment } })
      : null;
  if (!row) throw new ApiError("not_found", `No offer with id "${id}".`);
  return toOfferView(row);
}

function requestFingerprint(input: CreateOfferInput): string {
  return createHash("sha256")
    .update(JSON.stringify([input.inventoryItemId, input.amountCents, input.currency, input.note ?? null]))
    .digest("hex");
}

/**
 * Submit an offer. With an Idempotency-Key, a retry of the same request returns the offer first created
 * (replayed = true); the same key with a different body is a conflict, as Stripe does it.
 */
export async function createOffer(
  scope: OfferScope,
  input: CreateOfferInput,
  idempotencyKey: string | null,
): Promise<{ offer: OfferView; replayed: boolean }> {
  const fingerprint = requestFingerprint(input);
  const findReplay = async () => {
    if (!idempotencyKey) return null;
    const existing = await db().offer.findUnique({
      where: {
        ownerId_environment_idempotencyKey: { ownerId: scope.ownerId, environment: scope.environment, idempotencyKey },
      },
    });
    if (!existing) return null;
    if (existing.requestHash !== fingerprint) {
      throw new ApiError(
        "idempotency_conflict",
        "This Idempotency-Key was already used with a different request body. Use a new key for a new offer.",
      );
    }
    return { offer: toOfferView(existing), replayed: true };
  };
  const replay = await findReplay();
  if (replay) return replay;

  try {
    const created = await db().$transaction(async (tx) => {
      const item = await tx.inventoryItem.findUnique({ where: { id: input.inventoryItemId } });
      if (!item) {
        throw new ApiError("not_found", `No inventory item with id "${input.inventoryItemId}".`, {
          details: issuesDetail({ field: "inventoryItemId", message: "no such inventory item" }),
        });
      }
      if (item.status !== "available") {
        throw new ApiError(
          "item_unavailable",
          `Inventory item ${item.id} is ${item.status} and no longer takes offers.`,
        );
      }
      return tx.offer.create({
        data: {
          inventoryItemId: item.id,
          ownerId: scope.ownerId,
          apiKeyId: scope.apiKeyId,
          keyId: scope.keyId,
          environment: scope.environment,
          amountCents: input.amountCents,
          currency: input.currency,
          note: input.note ?? null,
          idempotencyKey,
          requestHash: fingerprint,
        },
      });
    });
    return { offer: toOfferView(created), replayed: false };
  } catch (err) {
    // Two concurrent retries with one Idempotency-Key: the loser returns the winner's offer.
    if (idempotencyKey && (err as { code?: string }).code === "P2002") {
      const raced = await findReplay();
      if (raced) return raced;
    }
    throw err;
  }
}

export async function withdrawOffer(scope: OfferScope, id: string): Promise<OfferView> {
  const offer = await getOfferOrThrow(scope, id);
  if (offer.status !== "pending")
    throw new ApiError("conflict", `Offer ${id} is ${offer.status}; only a pending offer can be withdrawn.`);
  const { count } = await db().offer.updateMany({
    where: { id, ownerId: scope.ownerId, status: "pending" },
    data: { status: "withdrawn", withdrawnAt: new Date() },
  });
  if (count === 0) throw new ApiError("conflict", `Offer ${id} changed meanwhile; fetch it again.`);
  return getOfferOrThrow(scope, id);
}

export function offerScopeOf(actor: {
  ownerId: string;
  environment: KeyEnvironment;
  apiKeyId: string;
  keyId: string;
}): OfferScope {
  return { ownerId: actor.ownerId, environment: actor.environment, apiKeyId: actor.apiKeyId, keyId: actor.keyId };
}
