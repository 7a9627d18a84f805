import "server-only";
import { db, type Prisma } from "../db";
import { containsIgnoringCase } from "../db/text-filter";
import { ApiError } from "../errors";
import { storedEnum } from "../schema-values";
import { CONDITIONS, INVENTORY_STATUSES, type InventoryItem, type ListInventoryQuery } from "./inventory-input";

type InventoryRow = {
  id: string;
  brand: string;
  model: string;
  storageGb: number;
  condition: string;
  priceCents: number;
  currency: string;
  status: string;
  updatedAt: Date;
};

function toInventoryView(row: InventoryRow): InventoryItem {
  return {
    id: row.id,
    brand: row.brand,
    model: row.model,
    storageGb: row.storageGb,
    condition: storedEnum(CONDITIONS, row.condition, "inventory condition"),
    priceCents: row.priceCents,
    currency: row.currency,
    status: storedEnum(INVENTORY_STATUSES, row.status, "inventory status"),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Inventory is shared catalogue data: every key with inventory:read sees the same items. Ordered by id. */
/** The stored spelling of a brand, matched case-insensitively ("apple" finds "Apple"). */
async function canonicalBrand(brand: string): Promise<string> {
  const brands = await db().inventoryItem.findMany({ distinct: ["brand"], select: { brand: true } });
  return brands.find((b) => b.brand.toLowerCase() === brand.toLowerCase())?.brand ?? brand;
}

export async function listInventory(
  q: ListInventoryQuery,
): Promise<{ data: InventoryItem[]; nextCursor: string | null }> {
  const where: Prisma.InventoryItemWhereInput = {
    ...(q.brand ? { brand: await canonicalBrand(q.brand) } : {}),
    ...(q.model ? { model: containsIgnoringCase(q.model) } : {}),
    ...(q.condition ? { condition: q.condition } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.minPriceCents !== undefined || q.maxPriceCents !== undefined
      ? { priceCents: { gte: q.minPriceCents, lte: q.maxPriceCents } }
      : {}),
    ...(q.cursor ? { id: { gt: q.cursor } } : {}),
  };
  const rows = await db().inventoryItem.findMany({ where, orderBy: { id: "asc" }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return { data: page.map(toInventoryView), nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

export async function getInventoryItemOrThrow(id: string): Promise<InventoryItem> {
  const row = id.length <= 64 ? await db().inventoryItem.findUnique({ where: { id } }) : null;
  if (!row) throw new ApiError("not_found", `No inventory item with id "${id}".`);
  return toInventoryView(row);
}
