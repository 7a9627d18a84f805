import { readQuery } from "@/lib/http/query-params";
import { listInventoryQuery } from "@/lib/inventory/inventory-input";
import { listInventory } from "@/lib/inventory/inventory";

/** GET /api/v1/inventory's handler, shared by the guarded route and the benchmark's unguarded twin. */
export async function listInventoryHandler(req: Request): Promise<Response> {
  return Response.json(await listInventory(readQuery(req, listInventoryQuery)));
}
