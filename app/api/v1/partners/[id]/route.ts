import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { getPartnerOrThrow } from "@/lib/partners/list-partners";
import { updatePartner } from "@/lib/partners/update-partner";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(
  API_ROUTES.getPartner,
  async (_req, { actor, params }) => ({ data: await getPartnerOrThrow(actor, params.id) }),
  { sessionActor },
);

export const PATCH = withApiKey(
  API_ROUTES.updatePartner,
  async (_req, { actor, params, body }) => ({ data: await updatePartner(actor, params.id, body) }),
  { sessionActor },
);
