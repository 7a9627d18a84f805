import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { readQuery } from "@/lib/http/read-json";
import { listInventoryQuery } from "@/lib/inventory/inventory-input";
import { listInventory } from "@/lib/inventory/inventory";

export const GET = withApiKey(API_ROUTES.listInventory, async (req) =>
  Response.json(await listInventory(readQuery(req, listInventoryQuery))),
);
