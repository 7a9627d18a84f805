import { containsSecret, redactSecrets } from "@/lib/security/redact-secrets";
import { sameSiteRedirect } from "./auth-options";

/** next-auth's callback-url cookie, plain and with the __Secure- prefix it takes on https. */
const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/**
 * Whether next-auth would accept the value: it must parse as an http(s) URL (a path counts, on our origin).
 * One carrying a Keyward secret is refused too, or next-auth would keep it in a cookie and echo it back.
 */
function acceptedByNextAuth(value: string, base: string): boolean {
  if (containsSecret(value)) return false;
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? base : undefined).protocol);
  } catch {
    return false;
  }
}

function cookieValues(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Left as sent: next-auth's cookie parser does the same.
    }
    out.set(name, value);
  }
  return out;
}

/**
 * A redirect to the same next-auth URL with a safe callbackUrl (and any unsafe callback-url cookie cleared),
 * or null when the request is fine as it is. The safe value is what next-auth's redirect callback would make
 * of it anyway (sameSiteRedirect): a path on this site, else the home page.
 */
export function unsafeCallbackRedirect(req: Request): Response | null {
  const url = new URL(req.url);
  const base = url.origin;
  let changed = false;
  const param = url.searchParams.get("callbackUrl");
  if (param !== null && !acceptedByNextAuth(param, base)) {
    url.searchParams.set("callbackUrl", sameSiteRedirect({ url: redactSecrets(param), baseUrl: base }));
    changed = true;
  }
  const cookies = cookieValues(req.headers.get("cookie"));
  const clear = CALLBACK_COOKIES.filter((name) => {
    const value = cookies.get(name);
    return value !== undefined && !acceptedByNextAuth(value, base);
  });
  if (!changed && clear.length === 0) return null;
  const headers = new Headers({ Location: url.pathname + url.search, "Cache-Control": "no-store" });
  for (const name of clear) {
    headers.append(
      "Set-Cookie",
      `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`,
    );
  }
  // 307 keeps the method and body: a sign-in POST is replayed as sent, minus the bad value.
  return new Response(null, { status: 307, headers });
}
