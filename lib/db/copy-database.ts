import "server-only";
import type { Db } from "./create-prisma-client";

/**
 * Every table a copy moves, parents before children (a child row's foreign keys must find their parent).
 * JobLease is left out on purpose: it records which instance ran which period of a background job, which means
 * nothing to another database. A model added to the schema must be placed here or in SKIPPED_MODELS (a test
 * compares both lists with the generated client's models).
 */
export const COPIED_MODELS = [
  "User",
  "Partner",
  "ApiKey",
  "KeySecret",
  "AuditEvent",
  "InventoryItem",
  "Offer",
  "RequestLog",
  "RequestRollup",
  "KeyScopeUsage",
  "WebhookEndpoint",
  "WebhookEvent",
  "WebhookDelivery",
  "WebhookAttempt",
] as const;
export const SKIPPED_MODELS = ["JobLease"] as const;

type CopiedModel = (typeof COPIED_MODELS)[number];

/** Prisma's delegate for a model: `db.apiKey` for "ApiKey". */
type Delegate = {
  count(): Promise<number>;
  findMany(args: { take: number; skip?: number; cursor?: { id: string }; orderBy: object }): Promise<object[]>;
  createMany(args: { data: object[] }): Promise<{ count: number }>;
};
const delegate = (client: Db, model: CopiedModel) =>
  (client as unknown as Record<string, Delegate>)[model[0]!.toLowerCase() + model.slice(1)]!;

/** Models without a single `id` column page by their composite key. */
const COMPOSITE_ORDER: Partial<Record<CopiedModel, object[]>> = {
  KeyScopeUsage: [{ apiKeyId: "asc" }, { scope: "asc" }],
};

export class CopyTargetNotEmptyError extends Error {
  constructor(readonly counts: Record<string, number>) {
    const tables = Object.entries(counts)
      .map(([model, n]) => `${model} (${n.toLocaleString("en-US")} ${n === 1 ? "row" : "rows"})`)
      .join(", ");
    super(
      `The target database already holds data: ${tables}. Copy into a new, empty database (it is migrated first); nothing was copied.`,
    );
  }
}

export type CopyProgress = (model: string, copied: number, total: number) => void;

/**
 * Copy every row of every Keyward table from one database to another (SQLite to PostgreSQL, typically), in
 * batches, keeping ids, so keys, secrets' hashes, audit trails and the request log arrive unchanged. The target
 * must be migrated and empty: a copy never merges into live data. The source is only read.
 */
export async function copyDatabase(
  source: Db,
  target: Db,
  opts: { batchSize?: number; onProgress?: CopyProgress } = {},
): Promise<Record<CopiedModel, number>> {
  const batchSize = opts.batchSize ?? 1000;
  const occupied: Record<string, number> = {};
  for (const model of COPIED_MODELS) {
    const n = await delegate(target, model).count();
    if (n > 0) occupied[model] = n;
  }
  if (Object.keys(occupied).length > 0) throw new CopyTargetNotEmptyError(occupied);

  const copied = {} as Record<CopiedModel, number>;
  for (const model of COPIED_MODELS) {
    const from = delegate(source, model);
    const to = delegate(target, model);
    const total = await from.count();
    const composite = COMPOSITE_ORDER[model];
    let done = 0;
    let cursor: string | null = null;
    for (;;) {
      const rows: object[] = composite
        ? await from.findMany({ take: batchSize, skip: done, orderBy: composite })
        : await from.findMany({
            take: batchSize,
            orderBy: { id: "asc" },
            ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
          });
      if (rows.length === 0) break;
      await to.createMany({ data: rows });
      done += rows.length;
      if (!composite) cursor = (rows[rows.length - 1] as { id: string }).id;
      opts.onProgress?.(model, done, total);
      if (rows.length < batchSize) break;
    }
    copied[model] = done;
  }
  return copied;
}
