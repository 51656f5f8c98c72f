import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { countLinks, groupByPerson } from "@/lib/notifications/batch";
import { signUnsubscribeToken, unsubscribeKey, verifyUnsubscribeToken } from "@/lib/notifications/token";

const key = unsubscribeKey("a-test-auth-secret-of-at-least-32-characters");

describe("unsubscribe tokens", () => {
  it("verifies a token it signed: the person and the kind", () => {
    const token = signUnsubscribeToken({ personId: "cperson1", kind: "expiring" }, key);
    expect(verifyUnsubscribeToken(token, key)).toEqual({ personId: "cperson1", kind: "expiring" });
  });

  it("refuses a token whose payload was changed to name another person or kind", () => {
    const token = signUnsubscribeToken({ personId: "cperson1", kind: "expiring" }, key);
    const [, mac] = token.split(".");
    for (const claim of [
      { p: "cperson2", k: "expiring" },
      { p: "cperson1", k: "broken" },
    ]) {
      const forged = `${Buffer.from(JSON.stringify(claim)).toString("base64url")}.${mac}`;
      expect(verifyUnsubscribeToken(forged, key)).toBeNull();
    }
  });

  it("refuses a flipped, truncated or extended signature, another key, and garbage", () => {
    const token = signUnsubscribeToken({ personId: "cperson1", kind: "downloads" }, key);
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(verifyUnsubscribeToken(`${token.slice(0, -1)}${last}`, key)).toBeNull();
    expect(verifyUnsubscribeToken(token.slice(0, -4), key)).toBeNull();
    expect(verifyUnsubscribeToken(`${token}AAAA`, key)).toBeNull();
    expect(verifyUnsubscribeToken(`${token}.x`, key)).toBeNull();
    expect(verifyUnsubscribeToken(token, unsubscribeKey("another-auth-secret-of-at-least-32-chars"))).toBeNull();
    for (const bad of ["", ".", "abc", "a.b", "x".repeat(500)]) expect(verifyUnsubscribeToken(bad, key)).toBeNull();
  });

  it("refuses a signed payload with an unknown kind or a person id that is not one", () => {
    const sign = (claim: object) => {
      const payload = Buffer.from(JSON.stringify(claim)).toString("base64url");
      return `${payload}.${createHmac("sha256", key).update(payload).digest("base64url")}`;
    };
    expect(verifyUnsubscribeToken(sign({ p: "cperson1", k: "expiring" }), key)).not.toBeNull();
    expect(verifyUnsubscribeToken(sign({ p: "cperson1", k: "everything" }), key)).toBeNull();
    expect(verifyUnsubscribeToken(sign({ p: "'; DROP TABLE users", k: "expiring" }), key)).toBeNull();
    expect(verifyUnsubscribeToken(sign({ k: "expiring" }), key)).toBeNull();
  });
});

describe("digest batching", () => {
  it("puts each person's items in one batch, in order, never one per link", () => {
    const items = [
      { personId: "a", id: 1 },
      { personId: "b", id: 2 },
      { personId: "a", id: 3 },
      { personId: "a", id: 4 },
    ];
    const batches = groupByPerson(items);
    expect([...batches.keys()]).toEqual(["a", "b"]);
    expect(batches.get("a")!.map((i) => i.id)).toEqual([1, 3, 4]);
    expect(batches.get("b")!.map((i) => i.id)).toEqual([2]);
    expect(groupByPerson([]).size).toBe(0);
  });

  it("counts links in words", () => {
    expect(countLinks(1)).toBe("1 link");
    expect(countLinks(3)).toBe("3 links");
  });
});
