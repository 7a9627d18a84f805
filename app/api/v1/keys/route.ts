import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { readJson, readQuery } from "@/lib/http/read-json";
import { createKeyInput, listKeysQuery } from "@/lib/keys/key-input";
import { listKeys } from "@/lib/keys/list-keys";
import { createKey } from "@/lib/keys/create-key";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(
  API_ROUTES.listKeys,
  async (req, { actor }) => Response.json(await listKeys(actor, readQuery(req, listKeysQuery))),
  { sessionActor },
);

export const POST = withApiKey(
  API_ROUTES.createKey,
  async (req, { actor }) => Response.json(await createKey(actor, await readJson(req, createKeyInput)), { status: 201 }),
  { sessionActor },
);
