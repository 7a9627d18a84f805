import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { getOfferOrThrow, offerScopeOf } from "@/lib/offers/offers";

export const GET = withApiKey(API_ROUTES.getOffer, async (_req, { actor, params }) => ({
  data: await getOfferOrThrow(offerScopeOf(actor), params.id),
}));
