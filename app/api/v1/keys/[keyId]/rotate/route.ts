import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { readJsonBody } from "@/lib/http/read-json";
import { rotateKey } from "@/lib/keys/rotate-key";
import { sessionActor } from "@/app/_server/session";

export const POST = withApiKey(
  API_ROUTES.rotateKey,
  async (req, { actor, params }) =>
    Response.json(await rotateKey(actor, params.keyId!, await readJsonBody(req, { optional: true }))),
  { sessionActor },
);
