import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { parseOrThrow } from "@/lib/errors";
import { readJson } from "@/lib/http/read-json";
import { readQuery } from "@/lib/http/query-params";
import { createOfferInput, idempotencyKeyHeader, listOffersQuery } from "@/lib/offers/offer-input";
import { createOffer, listOffers, offerScopeOf } from "@/lib/offers/offers";
import { partnerKeyActor } from "@/lib/auth/partner-actor";

export const GET = withApiKey(API_ROUTES.listOffers, async (req, { actor }) =>
  Response.json(await listOffers(offerScopeOf(partnerKeyActor(actor)), readQuery(req, listOffersQuery))),
);

export const POST = withApiKey(API_ROUTES.createOffer, async (req, { actor }) => {
  const header = req.headers.get("idempotency-key");
  const idempotencyKey = header === null ? null : parseOrThrow(idempotencyKeyHeader, header, "headers");
  const input = await readJson(req, createOfferInput);
  const { offer, replayed } = await createOffer(offerScopeOf(partnerKeyActor(actor)), input, idempotencyKey);
  return Response.json(
    { data: offer },
    { status: replayed ? 200 : 201, headers: replayed ? { "Idempotent-Replayed": "true" } : {} },
  );
});
