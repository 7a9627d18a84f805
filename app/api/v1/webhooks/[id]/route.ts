import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/webhook-endpoints";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(API_ROUTES.getWebhook, (_req, { actor, params }) => getWebhook(actor, params.id), {
  sessionActor,
});

export const PATCH = withApiKey(
  API_ROUTES.updateWebhook,
  (_req, { actor, params, body }) => updateWebhook(actor, params.id, body),
  { sessionActor },
);

export const DELETE = withApiKey(
  API_ROUTES.deleteWebhook,
  (_req, { actor, params }) => deleteWebhook(actor, params.id),
  { sessionActor },
);
