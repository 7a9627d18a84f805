import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { listPartners } from "@/lib/partners/list-partners";
import { createPartner } from "@/lib/partners/create-partner";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(API_ROUTES.listPartners, (_req, { actor, query }) => listPartners(actor, query), {
  sessionActor,
});

export const POST = withApiKey(
  API_ROUTES.createPartner,
  async (_req, { actor, body }) => ({ data: await createPartner(actor, body) }),
  { sessionActor },
);
