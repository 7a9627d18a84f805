import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { getOfferOrThrow, offerScopeOf } from "@/lib/offers/offers";
import { partnerKeyActor } from "@/lib/auth/partner-actor";

export const GET = withApiKey(API_ROUTES.getOffer, async (_req, { actor, params }) =>
  Response.json({ data: await getOfferOrThrow(offerScopeOf(partnerKeyActor(actor)), params.id!) }),
);
