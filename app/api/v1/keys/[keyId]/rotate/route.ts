import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { rotateKey } from "@/lib/keys/rotate-key";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.rotateKey,
  (_req, { actor, params, body }) => rotateKey(actor, params.keyId, body),
  { sessionActor },
);
