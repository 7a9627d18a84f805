import "server-only";
import { z } from "zod";
import { SCOPES } from "../scopes";
import { isoDateTime } from "../schema-values";

const partnerName = z.string().trim().min(1, "is required").max(80, "at most 80 characters");

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional();

const contactEmail = z
  .string()
  .trim()
  .max(320, "at most 320 characters")
  .transform((s) => (s === "" ? null : s.toLowerCase()))
  .refine((s) => s === null || z.email().safeParse(s).success, "expected an email address")
  .nullable()
  .optional();

export const createPartnerInput = z.strictObject({
  name: partnerName,
  contactEmail,
  notes: optionalText(2000),
});
export type CreatePartnerInput = z.infer<typeof createPartnerInput>;

export const updatePartnerInput = z
  .strictObject({ name: partnerName.optional(), contactEmail, notes: optionalText(2000) })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type UpdatePartnerInput = z.infer<typeof updatePartnerInput>;

export const listPartnersQuery = z.object({
  q: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListPartnersQuery = z.infer<typeof listPartnersQuery>;

/** What the API and dashboard show of a partner: who it is, and how its keys are used (last 7 days). */
export const partnerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  contactEmail: z.string().nullable(),
  notes: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  ownerEmail: z.string().optional().describe("The owner's email; only in answers to support staff"),
  keys: z.object({
    total: z.number().int(),
    active: z.number().int(),
    legacy: z.number().int().describe("Active keys imported from the previous one-pair-per-user scheme"),
  }),
  lastRequestAt: isoDateTime.nullable().describe("The latest request made with any of its keys"),
  requests7d: z.number().int().describe("Requests with its keys in the last 7 days"),
  errorRate7d: z.number().describe("Share of those requests answered 4xx or 5xx (0 to 1)"),
  scopesGranted: z.array(z.enum(SCOPES)).describe("Scopes its active keys hold"),
  scopesInUse: z.array(z.enum(SCOPES)).describe("Scopes its keys actually exercised in the last 30 days"),
});
export type PartnerView = z.output<typeof partnerViewSchema>;
