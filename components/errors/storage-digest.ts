/**
 * The digest a server component's storage failure reaches the error boundary with. Next.js replaces a
 * thrown error's message in production but keeps a digest the error already carries, so this is how a
 * page can say "storage unavailable" instead of "something went wrong".
 */
export const STORAGE_UNAVAILABLE_DIGEST = "keyward:storage_unavailable";

export function isStorageUnavailable(error: { digest?: string }): boolean {
  return error.digest === STORAGE_UNAVAILABLE_DIGEST;
}
