import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { rotateWebhookSecret } from "@/lib/webhooks/webhook-endpoints";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.rotateWebhookSecret,
  (_req, { actor, params }) => rotateWebhookSecret(actor, params.id),
  { sessionActor },
);
