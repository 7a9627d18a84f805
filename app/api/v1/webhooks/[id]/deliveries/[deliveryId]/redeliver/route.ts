import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { redeliverWebhook } from "@/lib/webhooks/webhook-endpoints";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.redeliverWebhook,
  (_req, { actor, params }) => redeliverWebhook(actor, params.id, params.deliveryId),
  { sessionActor },
);
