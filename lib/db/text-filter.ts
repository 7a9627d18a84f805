import "server-only";
import { services } from "../services";
import type { Prisma } from "./generated/sqlite/client";

/** LIKE's wildcards (% and _) and PostgreSQL's default LIKE escape character, as plain text. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * "Contains this text, ignoring case" on either database. SQLite's LIKE (Prisma's `contains`) already ignores
 * case (ASCII letters) and rejects `mode`; PostgreSQL's is case-sensitive unless `mode: "insensitive"` (ILIKE).
 * Prisma puts the text into the LIKE pattern as it is, so "%" or "_" would match anything: on PostgreSQL they
 * are escaped (backslash is its default LIKE escape). SQLite's LIKE has no escape character unless the query
 * names one, which Prisma's does not: there a search for "%" or "_" still matches more than it says.
 */
export function containsIgnoringCase(text: string): Prisma.StringFilter {
  if (services().env.databaseProvider === "sqlite") return { contains: text };
  // `mode` exists only in the PostgreSQL client's types (lib/db/client-compat.ts explains the SQLite typing).
  return { contains: escapeLike(text), mode: "insensitive" } as Prisma.StringFilter;
}
