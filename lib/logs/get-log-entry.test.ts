import { describe, expect, it } from "vitest";
import { keyLogIdentity, logEntry, logPage, makeKey, makeUser, rejectionOf } from "@/test/fixtures";
import { services } from "../services";
import { getLogEntryOrThrow } from "./get-log-entry";
import { queryLogs } from "./query-logs";
import { newRequestId } from "../http/request-id";

const D = 86_400_000;

describe("a request id opens its request whatever the selected range, within retention", () => {
  it("finds a 12-day-old request by id, in the log filter too (a 15-minute range is ignored)", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { name: "Old traffic", scopes: ["inventory:read"] });
    const now = new Date();
    const old = logEntry({
      ...(await keyLogIdentity(made)),
      timestamp: now.getTime() - 12 * D,
      status: 403,
      errorCode: "insufficient_scope",
      refusal: { message: "This key lacks the offers:read scope", requiredScope: "offers:read" },
    });
    await services().logStore.storeBatch([old]);

    const detail = await getLogEntryOrThrow(owner, old.requestId, now);
    expect(detail).toMatchObject({
      requestId: old.requestId,
      status: 403,
      keyId: made.key.keyId,
      refusal: { message: "This key lacks the offers:read scope", requiredScope: "offers:read" },
    });

    const page = await queryLogs(owner, logPage({ range: "15m", requestId: old.requestId }), now);
    expect(page.data.map((r) => r.requestId)).toEqual([old.requestId]);
    // Without the id, the same range does not show it.
    expect((await queryLogs(owner, logPage({ range: "15m" }), now)).data).toEqual([]);
  });

  it("another owner's request, an unknown id and one past retention are all not found", async () => {
    const owner = await makeUser();
    const stranger = await makeUser();
    const made = await makeKey(owner, { scopes: [] });
    const now = new Date();
    const retention = services().env.KEYWARD_LOG_RETENTION_DAYS;
    const mine = logEntry({ ...(await keyLogIdentity(made)), timestamp: now.getTime() - D });
    const tooOld = logEntry({ ...(await keyLogIdentity(made)), timestamp: now.getTime() - (retention * D + 60_000) });
    await services().logStore.storeBatch([mine, tooOld]);

    expect((await getLogEntryOrThrow(owner, mine.requestId, now)).refusal).toBeNull();
    for (const [actor, id] of [
      [stranger, mine.requestId],
      [owner, "req_never_issued"],
      [owner, tooOld.requestId],
    ] as const) {
      const err = await rejectionOf(getLogEntryOrThrow(actor, id, now));
      expect(err.code).toBe("not_found");
      expect(err.message).toBe(`No request ${id} in the last ${retention} days of your log.`);
    }
    const support = await makeUser("support");
    expect((await getLogEntryOrThrow(support, mine.requestId, now)).requestId).toBe(mine.requestId);
  });
});

describe("a request is found through the time its id carries", () => {
  it("finds it within the id's moment; an entry stamped far from its id's time is outside the search", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: [] });
    const now = new Date();
    const arrived = now.getTime() - 3 * D;
    const onTime = logEntry({ ...(await keyLogIdentity(made)), requestId: newRequestId(arrived), timestamp: arrived });
    // Never written by Keyward (every entry is stamped with its id's moment): it shows the lookup is time-bounded.
    const misdated = logEntry({
      ...(await keyLogIdentity(made)),
      requestId: newRequestId(arrived),
      timestamp: arrived - 2 * D,
    });
    await services().logStore.storeBatch([onTime, misdated]);

    expect((await getLogEntryOrThrow(owner, onTime.requestId, now)).requestId).toBe(onTime.requestId);
    expect((await rejectionOf(getLogEntryOrThrow(owner, misdated.requestId, now))).code).toBe("not_found");
    const page = await queryLogs(owner, logPage({ range: "30d", requestId: misdated.requestId }), now);
    expect(page.data).toEqual([]);
  });

  it("an entry is found from 1 s before its id's time to just under 60 s after it, and not outside", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: [] });
    const identity = await keyLogIdentity(made);
    const now = new Date();
    const t = now.getTime() - D;
    const stamped = (offset: number) => {
      const requestId = newRequestId(t);
      return { offset, entry: logEntry({ ...identity, requestId, timestamp: t + offset }) };
    };
    const cases = [stamped(-1_001), stamped(-1_000), stamped(0), stamped(59_999), stamped(60_000)];
    await services().logStore.storeBatch(cases.map((c) => c.entry));
    const found = [];
    for (const c of cases) {
      const page = await queryLogs(owner, logPage({ range: "30d", requestId: c.entry.requestId }), now);
      if (page.data.length) found.push(c.offset);
    }
    expect(found).toEqual([-1_000, 0, 59_999]);
  });
});
