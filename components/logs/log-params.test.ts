import { describe, expect, it } from "vitest";
import { describeLinkProblems, readLogParams } from "./log-params";

describe("describeLinkProblems", () => {
  it("names the filter as the page does and quotes the value the link held", () => {
    const params = readLogParams({ status: ["4xx", "abc"], from: "not-a-date" });
    expect(
      describeLinkProblems(
        {
          "query.status.1": "expected a status class (2xx, 4xx, ...) or an exact status (e.g. 403)",
          "query.from": "expected an ISO 8601 date-time",
        },
        params,
      ),
    ).toEqual([
      'Status "abc": expected a status class (2xx, 4xx, ...) or an exact status (e.g. 403).',
      'From "not-a-date": expected an ISO 8601 date-time.',
    ]);
  });

  it("cuts a long value and keeps an unknown field's own name", () => {
    const params = readLogParams({ route: "x".repeat(80) });
    const [route, other] = describeLinkProblems({ "query.route": "too long", limit: "too big" }, params);
    expect(route).toBe(`Endpoint "${"x".repeat(60)}…": too long.`);
    expect(other).toBe("limit: too big.");
  });
});
