import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { queryParams } from "@/lib/http/query-params";
import { readJsonBody } from "@/lib/http/read-json";
import { listKeys } from "@/lib/keys/list-keys";
import { createKey } from "@/lib/keys/create-key";
import { sessionActor } from "@/app/_server/session";

// The key operations validate their own input (they also serve the dashboard's server actions).
export const GET = withApiKey(
  API_ROUTES.listKeys,
  async (req, { actor }) => Response.json(await listKeys(actor, queryParams(req))),
  { sessionActor },
);

export const POST = withApiKey(
  API_ROUTES.createKey,
  async (req, { actor }) => Response.json(await createKey(actor, await readJsonBody(req)), { status: 201 }),
  { sessionActor },
);
