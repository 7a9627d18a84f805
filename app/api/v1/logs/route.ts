import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { queryParams } from "@/lib/http/query-params";
import { queryLogs } from "@/lib/logs/query-logs";

export const GET = withApiKey(API_ROUTES.listLogs, async (req, { actor }) => {
  const page = await queryLogs(actor, queryParams(req));
  return Response.json({ ...page, data: page.data.map(({ id: _id, ownerId: _owner, ...row }) => row) });
});
