import "server-only";
import { KEY_ENVIRONMENTS } from "../keys/key-vocabulary";
import { z } from "zod";
import { isoDateTime } from "../schema-values";

export const CURRENCIES = ["USD", "EUR", "GBP"] as const;
export const OFFER_STATUSES = ["pending", "withdrawn"] as const;

export const createOfferInput = z.strictObject({
  inventoryItemId: z.string({ error: "is required" }).trim().min(1, "is required").max(64),
  amountCents: z
    .number({ error: "expected a positive integer (cents)" })
    .int("expected a positive integer (cents)")
    .positive("expected a positive integer (cents)")
    .max(100_000_000, "at most 100000000 (1,000,000.00)"),
  currency: z.enum(CURRENCIES, { error: `expected one of ${CURRENCIES.join(", ")}` }),
  note: z.string().trim().max(500, "at most 500 characters").optional(),
});
export type CreateOfferInput = z.infer<typeof createOfferInput>;

export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255, "at most 255 characters")
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export const listOffersQuery = z.strictObject({
  status: z.enum(OFFER_STATUSES, { error: "expected pending or withdrawn" }).optional(),
  inventoryItemId: z.string().max(64).optional(),
  limit: z.coerce
    .number({ error: "expected a number from 1 to 100" })
    .int()
    .min(1, "must be at least 1")
    .max(100, "at most 100")
    .default(25),
  cursor: z.string().max(100).optional(),
});
export type ListOffersQuery = z.infer<typeof listOffersQuery>;

export const offerSchema = z.object({
  id: z.string(),
  inventoryItemId: z.string(),
  amountCents: z.number().int(),
  currency: z.enum(CURRENCIES),
  note: z.string().nullable(),
  status: z.enum(OFFER_STATUSES),
  environment: z.enum(KEY_ENVIRONMENTS),
  keyId: z.string().describe("The key that submitted the offer"),
  createdAt: isoDateTime,
  withdrawnAt: isoDateTime.nullable(),
});
export type OfferView = z.output<typeof offerSchema>;
