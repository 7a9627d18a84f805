const MAX_LENGTH = 2048;
const BASE = "http://x";
// Browsers drop tabs and newlines inside URLs ("/\t/evil.example" becomes "//evil.example") and read "\" as
// "/", so a value holding either is refused outright rather than cleaned up.
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;
const AUTH_PAGES = new Set(["/sign-in", "/sign-up"]);

/**
 * Where to go after signing in: the callbackUrl when it is a path on this site, else the fallback. Anything
 * that could leave the site ("//evil.example", "https://evil.example", "/\t/evil.example", "/.//evil.example")
 * would make the sign-in page an open redirect. The path is resolved the way a browser would, and the
 * normalised, percent-encoded form is returned. Never throws: the value comes straight from the query string.
 */
export function safeCallbackPath(
  raw: string | null | undefined,
  fallback = "/",
  opts: { allowAuthPages?: boolean } = {},
): string {
  if (!raw || raw.length > MAX_LENGTH || !raw.startsWith("/") || CONTROL_OR_BACKSLASH.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  // Dot segments can collapse into a protocol-relative path: "/.//evil.example" resolves to "//evil.example".
  if (url.origin !== BASE || url.pathname.startsWith("//")) return fallback;
  // Back to sign-in after signing in would be a loop.
  if (AUTH_PAGES.has(url.pathname) && !opts.allowAuthPages) return fallback;
  return url.pathname + url.search + url.hash;
}
