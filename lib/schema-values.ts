import "server-only";
import { z } from "zod";

/** A timestamp as the API writes it (Date.toISOString()): documented as format date-time. */
export const isoDateTime = z.iso.datetime();

/**
 * A stored string narrowed to the values the API documents for it. The database holds only what Keyward
 * wrote, so anything else is a broken invariant: fail loudly (500) rather than answer off-contract.
 */
export function storedEnum<T extends string>(values: readonly T[], value: string, what: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new Error(`stored ${what} "${value}" is not one of ${values.join(", ")}`);
}
