import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { listInventoryHandler } from "./list-inventory-handler";

export const GET = withApiKey(API_ROUTES.listInventory, listInventoryHandler);
