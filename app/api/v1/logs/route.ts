import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { queryLogs } from "@/lib/logs/query-logs";

export const GET = withApiKey(API_ROUTES.listLogs, async (_req, { actor, query }) => {
  const page = await queryLogs(actor, query);
  return { ...page, data: page.data.map(({ id: _id, ownerId: _owner, ...row }) => row) };
});
