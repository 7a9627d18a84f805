import { describe, expect, it } from "vitest";
import { generateSecret } from "../keys/key-format";
import { loggableQuery, parseRefusal, refusalDetail, scrubSecrets } from "./refusal-detail";

describe("loggableQuery", () => {
  it("keeps ordinary parameters as sent", () => {
    expect(loggableQuery("?brand=Apple&limit=2")).toBe("brand=Apple&limit=2");
    expect(loggableQuery("?q=a%20b")).toBe("q=a%20b");
  });

  it("is null without a query", () => {
    expect(loggableQuery("")).toBeNull();
    expect(loggableQuery("?")).toBeNull();
  });

  it.each(["secret", "api_secret", "token", "access_token", "password", "authorization", "api_key", "apiKey", "key"])(
    "redacts the value of %s",
    (name) => {
      expect(loggableQuery(`?${name}=hunter2&limit=1`)).toBe(`${name}=[redacted]&limit=1`);
    },
  );

  it("redacts a Keyward secret whatever the parameter is called", () => {
    const secret = generateSecret("live");
    const query = loggableQuery(`?brand=${secret}&note=x${secret}y`);
    expect(query).not.toContain(secret.slice(11));
    expect(query).toBe("brand=[redacted]&note=x[redacted]y");
  });

  it("caps a long query", () => {
    const query = loggableQuery(`?q=${"a".repeat(2000)}`)!;
    expect(query.length).toBe(501);
    expect(query.endsWith("…")).toBe(true);
  });
});

describe("refusalDetail", () => {
  it("keeps the message, scopes, query and key state, without a secret in the message", () => {
    const secret = generateSecret("test");
    const detail = refusalDetail({
      message: `Bad value ${secret}`,
      requiredScope: "offers:write",
      grantedScopes: ["inventory:read"],
      search: "?limit=5",
      keyState: { status: "active", inGrace: true, secret: "retired" },
    });
    expect(detail).toEqual({
      message: "Bad value [redacted]",
      requiredScope: "offers:write",
      grantedScopes: ["inventory:read"],
      query: "limit=5",
      keyState: { status: "active", inGrace: true, secret: "retired" },
    });
    expect(scrubSecrets(secret)).toBe("[redacted]");
  });

  it("leaves out what is unknown (no key identified, no query)", () => {
    expect(
      refusalDetail({ message: "m", requiredScope: "logs:read", grantedScopes: null, search: "", keyState: null }),
    ).toEqual({ message: "m", requiredScope: "logs:read" });
  });

  it("reads back what it stored, and nothing malformed", () => {
    expect(parseRefusal(JSON.stringify({ message: "x", requiredScope: "a" }))).toEqual({
      message: "x",
      requiredScope: "a",
    });
    expect(parseRefusal("{not json")).toBeNull();
    expect(parseRefusal(JSON.stringify({ nope: 1 }))).toBeNull();
    expect(parseRefusal(null)).toBeNull();
  });
});
