import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { offerScopeOf, withdrawOffer } from "@/lib/offers/offers";
import { partnerKeyActor } from "@/lib/auth/partner-actor";

export const POST = withApiKey(API_ROUTES.withdrawOffer, async (_req, { actor, params }) =>
  Response.json({ data: await withdrawOffer(offerScopeOf(partnerKeyActor(actor)), params.id!) }),
);
