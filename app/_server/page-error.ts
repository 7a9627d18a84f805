import { toApiError } from "@/lib/errors";
import { STORAGE_UNAVAILABLE_DIGEST } from "@/components/errors/storage-digest";

/**
 * For server components: rethrow what a page's data load threw, a storage failure marked so the error
 * boundary says "storage unavailable" (see storage-digest.ts). Other errors pass through unchanged. Next.js
 * logs what a page throws; route handlers that share the loader map the wrapper through toApiError as usual.
 */
export function rethrowForPage(err: unknown): never {
  const apiError = toApiError(err);
  if (apiError.code !== "storage_unavailable") throw err;
  throw Object.assign(new Error(apiError.message, { cause: err }), { digest: STORAGE_UNAVAILABLE_DIGEST });
}
