import { healthResponse } from "@/lib/ops/ops-endpoints";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and orchestrators: the process answers (no dependency is consulted). */
export function GET() {
  return healthResponse();
}
