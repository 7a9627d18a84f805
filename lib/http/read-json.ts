import type { z } from "zod";
import { ApiError, parseOrThrow } from "../errors";

export const MAX_JSON_BYTES = 64 * 1024;

/** Read and validate a JSON body: 415 for another media type, 413 when too large, 400 when malformed or invalid. */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
  opts: { optional?: boolean } = {},
): Promise<z.infer<T>> {
  const text = await req.text();
  if (text.length === 0 && opts.optional) return parseOrThrow(schema, {});
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  if (Buffer.byteLength(text, "utf8") > MAX_JSON_BYTES) {
    throw new ApiError("payload_too_large", `The body is larger than ${MAX_JSON_BYTES / 1024} KiB.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("validation_failed", "The body is not valid JSON.", {
      details: { issues: [{ field: "(body)", message: "not valid JSON" }] },
    });
  }
  return parseOrThrow(schema, value);
}

/** Validate query parameters (repeated parameters become arrays). */
export function readQuery<T extends z.ZodType>(req: Request, schema: T): z.infer<T> {
  const params = new URL(req.url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  return parseOrThrow(schema, out, "query");
}
