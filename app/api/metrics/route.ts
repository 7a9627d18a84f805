import { metricsResponse } from "@/lib/ops/ops-endpoints";

export const dynamic = "force-dynamic";

/** Prometheus metrics, behind KEYWARD_METRICS_TOKEN (404 while it is unset, 401 without the right bearer token). */
export function GET(req: Request) {
  return metricsResponse(req);
}
