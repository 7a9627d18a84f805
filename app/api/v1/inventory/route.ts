import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { listInventory } from "@/lib/inventory/inventory";

export const GET = withApiKey(API_ROUTES.listInventory, (_req, { query }) => listInventory(query));
