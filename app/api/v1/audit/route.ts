import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { listAudit } from "@/lib/audit/list-audit";
import { sessionActor } from "@/app/_server/session";

export const GET = withApiKey(API_ROUTES.listAudit, (_req, { actor, query }) => listAudit(actor, query), {
  sessionActor,
});
