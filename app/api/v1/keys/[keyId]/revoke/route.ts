import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { revokeKey } from "@/lib/keys/revoke-key";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.revokeKey,
  async (_req, { actor, params, body }) => ({ data: await revokeKey(actor, params.keyId, body) }),
  { sessionActor },
);
