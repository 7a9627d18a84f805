import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { offerScopeOf, withdrawOffer } from "@/lib/offers/offers";

export const POST = withApiKey(API_ROUTES.withdrawOffer, async (_req, { actor, params }) => ({
  data: await withdrawOffer(offerScopeOf(actor), params.id),
}));
