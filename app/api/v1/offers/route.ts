import { API_ROUTES } from "@/lib/api-routes";
import { reply, withApiKey } from "@/lib/auth/api-key-guard";
import { createOffer, listOffers, offerScopeOf } from "@/lib/offers/offers";

export const GET = withApiKey(API_ROUTES.listOffers, (_req, { actor, query }) =>
  listOffers(offerScopeOf(actor), query),
);

export const POST = withApiKey(API_ROUTES.createOffer, async (_req, { actor, headers, body }) => {
  const { offer, replayed } = await createOffer(offerScopeOf(actor), body, headers["Idempotency-Key"] ?? null);
  return replayed
    ? reply({ data: offer }, { status: 200, headers: { "Idempotent-Replayed": "true" } })
    : reply({ data: offer }, { status: 201 });
});
