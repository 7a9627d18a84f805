import "server-only";
import { z } from "zod";
import { isoDateTime } from "../schema-values";
import { METHODS, RANGE_PRESETS, STATUS_FILTERS } from "./log-vocabulary";

/** Accept "a,b" or repeated params: both arrive here as a string or string[]. */
const listOf = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess(
    (v) =>
      v === undefined || v === ""
        ? undefined
        : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(",")).filter(Boolean),
    z.array(item).max(max, `at most ${max} values`).optional(),
  );

const statusValue = z.union(
  [
    z.enum(STATUS_FILTERS),
    z
      .string()
      .regex(/^[1-5]\d\d$/)
      .transform(Number),
  ],
  { error: "expected a status class (2xx, 4xx, ...) or an exact status (e.g. 403)" },
);

/** A request id as pasted from a partner's error body (X-Request-Id), e.g. into the header's "find request" box. */
export const requestIdInput = z
  .string({ error: "expected a request id" })
  .trim()
  .min(1, "paste a request id (req_…)")
  .max(100, "at most 100 characters");

/** Filters shared by the logs page, GET /api/v1/logs, CSV export and the charts. */
export const logFilterInput = z
  .object({
    range: z.enum(RANGE_PRESETS, { error: `expected one of ${RANGE_PRESETS.join(", ")}` }).optional(),
    from: z.coerce.date({ error: "expected an ISO 8601 date-time" }).optional(),
    to: z.coerce.date({ error: "expected an ISO 8601 date-time" }).optional(),
    keyId: listOf(z.string().max(128), 50),
    partner: listOf(z.string().max(80), 50),
    /** Partner entities by id: narrows to their keys' traffic. */
    partnerId: listOf(z.string().max(64), 20),
    status: listOf(statusValue, 10),
    method: listOf(z.enum(METHODS, { error: `expected one of ${METHODS.join(", ")}` }), 5),
    route: listOf(z.string().max(200), 20),
    requestId: z.string().trim().max(100).optional(),
    errorCode: z.string().trim().max(60).optional(),
    /** Support staff only: narrow to one user (by id or email). Ignored for everyone else. */
    user: z.string().trim().max(320).optional(),
  })
  .refine((f) => !f.from || f.from.getTime() < (f.to ?? new Date()).getTime(), {
    message: "from must be before to (or before now, when to is not given)",
    path: ["from"],
  });
export type LogFilterInput = z.infer<typeof logFilterInput>;

export const logPageInput = z.intersection(
  logFilterInput,
  z.object({
    limit: z.coerce
      .number({ error: "expected a number from 1 to 500" })
      .int()
      .min(1, "must be at least 1")
      .max(500, "at most 500")
      .default(50),
    cursor: z.string().max(200).optional(),
    order: z.enum(["desc", "asc"], { error: "expected desc or asc" }).default("desc"),
  }),
);
export type LogPageInput = z.infer<typeof logPageInput>;

export const logEntrySchema = z.object({
  requestId: z.string(),
  timestamp: isoDateTime,
  keyId: z.string().nullable(),
  keyName: z.string().nullable(),
  partner: z.string().nullable(),
  environment: z.string().nullable(),
  method: z.string(),
  route: z.string(),
  path: z.string(),
  status: z.number().int(),
  latencyMs: z.number(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  errorCode: z.string().nullable(),
  secretSlot: z.string().nullable().describe("current or previous: which secret authenticated the request"),
});

/** One page of GET /api/v1/logs: the rows, the next cursor and the time range the filter resolved to. */
export const logPageSchema = z.object({
  data: z.array(logEntrySchema),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  range: z
    .object({
      from: isoDateTime,
      to: isoDateTime,
      clamped: z
        .boolean()
        .describe(
          "true when the requested from/to reached past the log's retention window (or into the future) and was moved to its edge",
        ),
    })
    .describe("The time range the filter resolved to, bounded by the retention window"),
});
