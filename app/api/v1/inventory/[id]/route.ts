import { API_ROUTES } from "@/lib/api-routes";
import { withApiKey } from "@/lib/auth/api-key-guard";
import { getInventoryItemOrThrow } from "@/lib/inventory/inventory";

export const GET = withApiKey(API_ROUTES.getInventoryItem, async (_req, { params }) => ({
  data: await getInventoryItemOrThrow(params.id),
}));
