import "server-only";
import { isWellFormedSecret } from "../keys/key-format";

/** What replaces a secret in anything Keyward stores or prints. */
export const REDACTED_SECRET = "[redacted-secret]";

const SECRET_BODY = 49; // 43 random base62 characters + 6 of checksum (lib/keys/key-format.ts)

/**
 * A secret with its prefix, the underscores possibly percent-encoded (a secret pasted into a URL path).
 * Redacted on shape alone, checksum or not: a mistyped secret is still all but one character of a real one.
 */
const PREFIXED = /kwsec(?:_|%5f)(?:live|test)(?:_|%5f)[0-9a-z]{49}/gi;

/** Cheap pre-check: text without 49 base62 characters in a row cannot hold a secret's body. */
const LONG_RUN = /[0-9A-Za-z]{49}/;
const RUNS = /[0-9A-Za-z]{49,}/g;

/**
 * The longest run of base62 characters searched window by window for a bare secret body. A longer run is
 * dropped whole: searching it would let one request buy unbounded CPU, and no log reader needs it.
 */
const MAX_RUN = 4096;

function isBareSecretBody(window: string): boolean {
  return isWellFormedSecret(`kwsec_live_${window}`) || isWellFormedSecret(`kwsec_test_${window}`);
}

/**
 * Remove every Keyward secret from a text before it is stored or printed (request log paths, query strings,
 * user agents, error details, server log lines): any `kwsec_<env>_…` of a secret's shape, and any bare
 * 49-character run whose last six characters are the checksum of a live or test secret (a secret whose
 * prefix was cut off). Text without a long base62 run returns as is, at the cost of one regex test.
 */
export function redactSecrets(text: string): string {
  if (!LONG_RUN.test(text)) return text;
  const prefixedGone = text.replace(PREFIXED, REDACTED_SECRET);
  if (!LONG_RUN.test(prefixedGone)) return prefixedGone;
  return prefixedGone.replace(RUNS, (run) => (run.length > MAX_RUN ? REDACTED_SECRET : redactRun(run)));
}

function redactRun(run: string): string {
  let out = "";
  let i = 0;
  while (i + SECRET_BODY <= run.length) {
    if (isBareSecretBody(run.slice(i, i + SECRET_BODY))) {
      out += REDACTED_SECRET;
      i += SECRET_BODY;
    } else {
      out += run[i];
      i += 1;
    }
  }
  return out + run.slice(i);
}

/** Whether a text holds a secret (as redactSecrets finds them). */
export function containsSecret(text: string): boolean {
  return LONG_RUN.test(text) && redactSecrets(text) !== text;
}

/** redactSecrets for a value that may be missing. */
export function redactOptional(text: string | null): string | null {
  return text === null ? null : redactSecrets(text);
}
