import "server-only";
import { services } from "../services";
import type { Prisma } from "./generated/sqlite/client";

/**
 * "Contains this text, ignoring case" on either database. SQLite's LIKE (Prisma's `contains`) already ignores
 * case (ASCII letters) and rejects `mode`; PostgreSQL's is case-sensitive unless `mode: "insensitive"` (ILIKE).
 */
export function containsIgnoringCase(text: string): Prisma.StringFilter {
  if (services().env.databaseProvider === "sqlite") return { contains: text };
  // `mode` exists only in the PostgreSQL client's types (lib/db/client-compat.ts explains the SQLite typing).
  return { contains: text, mode: "insensitive" } as Prisma.StringFilter;
}
