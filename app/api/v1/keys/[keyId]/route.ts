import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { getKeyOrThrow } from "@/lib/keys/get-key-or-throw";
import { updateKey } from "@/lib/keys/update-key";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(
  API_ROUTES.getKey,
  async (_req, { actor, params }) => ({ data: await getKeyOrThrow(actor, params.keyId) }),
  { sessionActor },
);

export const PATCH = withApiKey(
  API_ROUTES.updateKey,
  async (_req, { actor, params, body }) => ({ data: await updateKey(actor, params.keyId, body) }),
  { sessionActor },
);
