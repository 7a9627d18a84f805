import { toErrorResponse } from "@/lib/errors";
import { newRequestId } from "@/lib/http/request-id";
import { listInventoryHandler } from "@/app/api/v1/inventory/list-inventory-handler";

/**
 * Benchmark baseline: the very handler of GET /api/v1/inventory with no guard and no request log. The
 * `.bench.ts` extension is routed only in a build made with KEYWARD_BENCH_BUILD=1 (next.config.js), so a
 * normal build has no such route at all.
 */
export async function GET(req: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    const res = await listInventoryHandler(req);
    res.headers.set("X-Request-Id", requestId);
    return res;
  } catch (err) {
    return toErrorResponse(err, requestId);
  }
}
