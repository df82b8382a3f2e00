import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { errorCode, userToken } from "./helpers/auth.ts";

const ROUTES: [string, string, string?][] = [
  ["GET", "/api/audio-storage/stats"],
  ["GET", "/api/audio-storage/files/alice"],
  ["GET", "/api/audio-storage/download/alice/talk.wav"],
  ["DELETE", "/api/audio-storage/files/alice/talk"],
  ["POST", "/api/audio-storage/cleanup", '{"maxAgeDays": 0}'],
];

it("admin routes need the admin token", async () => {
  const userTokenText = await userToken("alice");
  const admin = env.ADMIN_TOKEN!;
  const wrong: [string, Record<string, string>][] = [
    ["missing", {}],
    ["empty bearer", { authorization: "Bearer " }],
    ["basic scheme", { authorization: `Basic ${btoa(`admin:${admin}`)}` }],
    ["wrong token", { authorization: "Bearer wrong-token" }],
    ["prefix of token", { authorization: `Bearer ${admin.slice(0, -1)}` }],
    ["token plus suffix", { authorization: `Bearer ${admin}x` }],
    ["user token", { authorization: `Bearer ${userTokenText}` }],
    ["token in query", {}],
  ];
  for (const [method, path, body] of ROUTES) {
    for (const [name, headers] of wrong) {
      const query = name === "token in query" ? `?token=${admin}` : "";
      const response = await exports.default.fetch(
        `http://audio.test${path}${query}`,
        {
          method,
          headers,
          body,
        },
      );
      expect(response.status, `${method} ${path}: ${name}`).toBe(401);
      expect(await errorCode(response)).toBe("unauthorized");
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
    }
  }
});

it("admin token is accepted in any scheme case", async () => {
  for (const scheme of ["Bearer", "bearer", "BEARER"]) {
    const response = await exports.default.fetch(
      "http://audio.test/api/audio-storage/stats",
      {
        headers: { authorization: `${scheme} ${env.ADMIN_TOKEN}` },
      },
    );
    expect(response.status, scheme).toBe(200);
    await response.arrayBuffer();
  }
});
