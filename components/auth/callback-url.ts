/**
 * Where to go after signing in: the callbackUrl when it is a path on this site, else the overview. A value
 * like "//evil.example" or "https://evil.example" would make the sign-in page an open redirect.
 */
export function safeCallbackPath(raw: string | null | undefined, fallback = "/"): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  if (raw === "/sign-in" || raw.startsWith("/sign-in?") || raw === "/sign-up" || raw.startsWith("/sign-up?")) {
    return fallback;
  }
  return raw;
}
