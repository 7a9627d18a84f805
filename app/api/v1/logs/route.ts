import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { readQuery } from "@/lib/http/read-json";
import { logPageInput } from "@/lib/logs/log-query-input";
import { queryLogs } from "@/lib/logs/query-logs";

export const GET = withApiKey(API_ROUTES.listLogs, async (req, { actor }) => {
  const page = await queryLogs(actor, readQuery(req, logPageInput));
  return Response.json({ ...page, data: page.data.map(({ id: _id, ownerId: _owner, ...row }) => row) });
});
