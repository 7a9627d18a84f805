/**
 * The dashboard's Content-Security-Policy: scripts only with this response's nonce (and what they load,
 * 'strict-dynamic'), everything else from our own origin, no plugins, no framing, forms and <base> to
 * ourselves. Styles allow inline attributes: React and recharts set `style="…"` in server-rendered HTML, and
 * an injected style cannot run code. Development needs 'unsafe-eval' (React's debugging), production does not.
 */
export function pageContentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}
