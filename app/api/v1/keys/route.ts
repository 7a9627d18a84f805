import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { listKeys } from "@/lib/keys/list-keys";
import { createKey } from "@/lib/keys/create-key";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(API_ROUTES.listKeys, (_req, { actor, query }) => listKeys(actor, query), {
  sessionActor,
});

export const POST = withApiKey(API_ROUTES.createKey, (_req, { actor, body }) => createKey(actor, body), {
  sessionActor,
});
