import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { resumeKey } from "@/lib/keys/suspend-key";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.resumeKey,
  async (_req, { actor, params, body }) => ({ data: await resumeKey(actor, params.keyId, body) }),
  { sessionActor },
);
