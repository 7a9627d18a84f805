import { API_ROUTES } from "@/lib/api-routes";
import { parseOrThrow, toErrorResponse } from "@/lib/errors";
import { newRequestId } from "@/lib/http/request-id";
import { queryParams } from "@/lib/http/query-params";
import { listInventory } from "@/lib/inventory/inventory";

/**
 * Benchmark baseline: GET /api/v1/inventory's work with no guard and no request log: the same query parse
 * (the guard does it there), the same lib call, the same JSON answer. The `.bench.ts` extension is routed only
 * in a build made with KEYWARD_BENCH_BUILD=1 (next.config.js), so a normal build has no such route at all.
 */
export async function GET(req: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    const query = parseOrThrow(API_ROUTES.listInventory.query, queryParams(req), "query");
    return Response.json(await listInventory(query), { headers: { "X-Request-Id": requestId } });
  } catch (err) {
    return toErrorResponse(err, requestId);
  }
}
