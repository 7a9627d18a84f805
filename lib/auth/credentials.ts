import "server-only";
/** Credentials as presented: X-API-Key + X-API-Secret, or Authorization: Basic base64(keyId:secret). */
type PresentedCredentials =
  | { kind: "none" }
  | { kind: "incomplete"; keyId: string | null; message: string }
  | { kind: "pair"; keyId: string; secret: string };

/** A secret sent where the key id belongs (a common mix-up): said plainly, and never logged. */
export const SECRET_AS_KEY_ID_HINT =
  "The value sent as the key id looks like a secret: send the key id (kw_…) in X-API-Key and the secret (kwsec_…) in X-API-Secret.";

export function looksLikeSecret(value: string): boolean {
  return value.startsWith("kwsec_");
}

export function readCredentials(headers: Headers): PresentedCredentials {
  const keyId = headers.get("x-api-key")?.trim() || null;
  const secret = headers.get("x-api-secret")?.trim() || null;
  if (keyId && secret) return { kind: "pair", keyId, secret };
  if (keyId) {
    const message = looksLikeSecret(keyId)
      ? SECRET_AS_KEY_ID_HINT
      : "X-API-Key was sent without X-API-Secret: send both headers.";
    return { kind: "incomplete", keyId, message };
  }
  if (secret)
    return { kind: "incomplete", keyId: null, message: "X-API-Secret was sent without X-API-Key: send both headers." };

  const authorization = headers.get("authorization");
  if (!authorization) return { kind: "none" };
  const [scheme, value] = authorization.split(/\s+/, 2);
  if (scheme?.toLowerCase() !== "basic" || !value) {
    return {
      kind: "incomplete",
      keyId: null,
      message: "Authorization must use the Basic scheme: base64(keyId:secret).",
    };
  }
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) {
    return { kind: "incomplete", keyId: null, message: "Authorization: Basic must encode keyId:secret." };
  }
  return { kind: "pair", keyId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
