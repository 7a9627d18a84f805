import "server-only";
import { z } from "zod";
import { isoDateTime } from "../schema-values";

export const CONDITIONS = ["A", "B", "C", "D"] as const;
export const INVENTORY_STATUSES = ["available", "reserved", "sold"] as const;

export const listInventoryQuery = z
  .strictObject({
    brand: z.string().trim().min(1).max(40).optional().describe("Exact brand, case-insensitive (e.g. Apple)"),
    model: z.string().trim().min(1).max(60).optional().describe("Model contains this text (e.g. iPhone 14)"),
    condition: z.enum(CONDITIONS, { error: "expected one of A, B, C, D" }).optional().describe("Condition grade"),
    status: z.enum(INVENTORY_STATUSES, { error: "expected available, reserved or sold" }).optional(),
    minPriceCents: z.coerce
      .number({ error: "expected a whole number of cents" })
      .int("expected a whole number of cents")
      .min(0, "must be 0 or more")
      .optional(),
    maxPriceCents: z.coerce
      .number({ error: "expected a whole number of cents" })
      .int("expected a whole number of cents")
      .min(0, "must be 0 or more")
      .optional(),
    limit: z.coerce
      .number({ error: "expected a number from 1 to 100" })
      .int()
      .min(1, "must be at least 1")
      .max(100, "at most 100")
      .default(25),
    cursor: z.string().max(100).optional().describe("nextCursor from the previous page"),
  })
  .refine((q) => q.minPriceCents === undefined || q.maxPriceCents === undefined || q.minPriceCents <= q.maxPriceCents, {
    message: "minPriceCents must not exceed maxPriceCents",
    path: ["minPriceCents"],
  });
export type ListInventoryQuery = z.infer<typeof listInventoryQuery>;

export const inventoryItemSchema = z.object({
  id: z.string(),
  brand: z.string(),
  model: z.string(),
  storageGb: z.number().int(),
  condition: z.enum(CONDITIONS),
  priceCents: z.number().int(),
  currency: z.string(),
  status: z.enum(INVENTORY_STATUSES),
  updatedAt: isoDateTime,
});
export type InventoryItem = z.output<typeof inventoryItemSchema>;
