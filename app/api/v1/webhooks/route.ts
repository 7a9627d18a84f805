import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhook-endpoints";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(API_ROUTES.listWebhooks, (_req, { actor }) => listWebhooks(actor), { sessionActor });

export const POST = withApiKey(API_ROUTES.createWebhook, (_req, { actor, body }) => createWebhook(actor, body), {
  sessionActor,
});
