import "server-only";
import { ApiError, invalidField } from "../errors";

const MAX_JSON_BYTES = 64 * 1024;

const tooLarge = (max: number) =>
  new ApiError(
    "payload_too_large",
    max >= 1024 * 1024
      ? `The body is larger than ${max / 1024 / 1024} MiB.`
      : `The body is larger than ${max / 1024} KiB.`,
  );

/** Read at most `max` bytes of the body: a declared or streamed larger body is refused without buffering it. */
export async function readLimitedText(req: Request, max = MAX_JSON_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The JSON body, checked only as JSON: 415 for another media type, 413 when too large, 400 when malformed.
 * The API-key guard then parses it with the route's body schema (lib/api-routes.ts).
 */
export async function readJsonBody(req: Request, opts: { optional?: boolean } = {}): Promise<unknown> {
  const text = await readLimitedText(req);
  if (text.length === 0 && opts.optional) return {};
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidField("(body)", "not valid JSON", "The body is not valid JSON.");
  }
}
