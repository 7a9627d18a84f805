import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { endGrace } from "@/lib/keys/end-grace";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.endGrace,
  async (_req, { actor, params }) => ({ data: await endGrace(actor, params.keyId) }),
  { sessionActor },
);
