import "server-only";
import type { z } from "zod";
import { parseOrThrow } from "../errors";

/** Query parameters as a plain object in which repeated parameters become arrays. */
export function queryParams(source: Request | URLSearchParams): Record<string, string | string[]> {
  const params = source instanceof URLSearchParams ? source : new URL(source.url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  return out;
}

/** Validate query parameters. */
export function readQuery<T extends z.ZodType>(req: Request, schema: T): z.infer<T> {
  return parseOrThrow(schema, queryParams(req), "query");
}
