import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { suspendKey } from "@/lib/keys/suspend-key";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.suspendKey,
  async (_req, { actor, params, body }) => ({ data: await suspendKey(actor, params.keyId, body) }),
  { sessionActor },
);
