import { expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../../src/auth/base64url.ts";
import {
  ANY_SESSION,
  claimsAllow,
  signUserToken,
  verifyUserToken,
} from "../../src/auth/user-token.ts";

const SECRET = "unit-test-secret-0123456789abcdef0123";
const NOW_MS = Date.UTC(2030, 0, 1);
const claims = { sub: "alice", sid: "s1", exp: NOW_MS / 1000 + 60 };

it("token round-trips its claims", async () => {
  const token = await signUserToken(claims, SECRET);
  expect(await verifyUserToken(token, SECRET, NOW_MS)).toEqual({
    ok: true,
    claims,
  });
});

it("token rejects expiry, tampering and wrong secret", async () => {
  const token = await signUserToken(claims, SECRET);
  const [payload, signature] = token.split(".") as [string, string];
  const forged = encodeBase64Url(
    new TextEncoder().encode(JSON.stringify({ ...claims, sub: "bob" })),
  );
  const cases: [string, string, number][] = [
    ["expired", token, NOW_MS + 60_000],
    ["wrong secret", await signUserToken(claims, `${SECRET}x`), NOW_MS],
    ["forged claims", `${forged}.${signature}`, NOW_MS],
    ["flipped signature", `${payload}.${signature.slice(0, -2)}AA`, NOW_MS],
    ["no signature", payload, NOW_MS],
    ["three parts", `${token}.x`, NOW_MS],
    ["not base64url", `${payload}.!!!`, NOW_MS],
    ["empty", "", NOW_MS],
    ["too long", "a".repeat(5_000), NOW_MS],
  ];
  for (const [name, text, at] of cases) {
    const result = await verifyUserToken(text, SECRET, at);
    expect(result.ok, name).toBe(false);
  }
});

it("token with bad claims is rejected", async () => {
  for (const bad of [
    { sub: 1, sid: "*", exp: 2e9 },
    { sub: "a", sid: "*" },
    ["a"],
    "text",
  ]) {
    const payload = encodeBase64Url(
      new TextEncoder().encode(JSON.stringify(bad)),
    );
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const signature = await crypto.subtle.sign(
      "HMAC",
      key,
      new TextEncoder().encode(payload),
    );
    const token = `${payload}.${encodeBase64Url(new Uint8Array(signature))}`;
    const result = await verifyUserToken(token, SECRET, NOW_MS);
    expect(result).toEqual({ ok: false, reason: "token claims are malformed" });
  }
});

it("claims grant their user and session only", () => {
  expect(claimsAllow(claims, "alice", "s1")).toBe(true);
  expect(claimsAllow(claims, "alice", "s2")).toBe(false);
  expect(claimsAllow(claims, "alice", null)).toBe(false);
  expect(claimsAllow(claims, "bob", "s1")).toBe(false);
  const any = { ...claims, sid: ANY_SESSION };
  expect(claimsAllow(any, "alice", "s2")).toBe(true);
  expect(claimsAllow(any, "alice", null)).toBe(true);
  expect(claimsAllow(any, "bob", "s2")).toBe(false);
});

it("base64url round-trips every byte value", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let n = 0; n < 5; n++) {
    const slice = bytes.subarray(n);
    expect(decodeBase64Url(encodeBase64Url(slice))).toEqual(slice);
  }
  expect(decodeBase64Url("a+b/")).toBeNull();
  expect(decodeBase64Url("abcde")).toBeNull();
});
