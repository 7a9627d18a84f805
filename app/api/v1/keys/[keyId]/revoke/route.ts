import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { readJsonBody } from "@/lib/http/read-json";
import { revokeKey } from "@/lib/keys/revoke-key";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.revokeKey,
  async (req, { actor, params }) =>
    Response.json({ data: await revokeKey(actor, params.keyId!, await readJsonBody(req)) }),
  { sessionActor },
);
