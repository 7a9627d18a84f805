import "server-only";
import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { Webhook } from "standardwebhooks";
import { assertLiteralTargetAllowed, lookupPublicOnly } from "./webhook-target";

export type SendResult = { statusCode: number | null; latencyMs: number; error: string | null; ok: boolean };

/**
 * The Standard Webhooks headers for one delivery. With a secret rotated in the last 24 hours both the new and
 * the previous secret sign (space-separated signatures), so a receiver can switch over without dropping one.
 */
export function signatureHeaders(
  eventId: string,
  at: Date,
  body: string,
  secrets: readonly string[],
): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(eventId, at, body));
  return {
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

const MAX_RESPONSE_BYTES = 4096;

/**
 * POST one signed delivery. Never throws: the outcome (status code, latency, error) is what the attempt log
 * records. Redirects are not followed (a 3xx is a failure: it could point anywhere). The whole exchange is bounded
 * by timeoutMs; the response body is read only up to a few KiB and discarded.
 */
export function sendWebhook(opts: {
  url: string;
  eventId: string;
  body: string;
  secrets: readonly string[];
  timeoutMs: number;
  allowPrivate: boolean;
  now?: Date;
}): Promise<SendResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    statusCode,
    error,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    ok: statusCode !== null && statusCode >= 200 && statusCode < 300,
  });
  return new Promise((resolve) => {
    let settled = false;
    let req: http.ClientRequest | null = null;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      req?.destroy();
      finish(done(null, `timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    timer.unref();
    let url: URL;
    try {
      url = new URL(opts.url);
      assertLiteralTargetAllowed(url, opts.allowPrivate);
    } catch (err) {
      return finish(done(null, (err as Error).message));
    }
    const headers = {
      "content-type": "application/json",
      "user-agent": "Keyward-Webhooks/1",
      ...signatureHeaders(opts.eventId, opts.now ?? new Date(), opts.body, opts.secrets),
    };
    const client = url.protocol === "https:" ? https : http;
    req = client.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": Buffer.byteLength(opts.body) },
      agent: false,
      ...(opts.allowPrivate ? {} : { lookup: lookupPublicOnly }),
    });
    req.on("error", (err) => finish(done(null, err.message || String(err))));
    req.on("response", (res) => {
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      const status = res.statusCode ?? null;
      const complete = () =>
        finish(done(status, status !== null && status >= 200 && status < 300 ? null : `answered ${status}`));
      res.on("end", complete);
      res.on("close", complete);
      res.on("error", complete);
    });
    req.end(opts.body);
  });
}
