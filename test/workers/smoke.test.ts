import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("unknown route returns JSON 404", async () => {
  const response = await exports.default.fetch("http://x/nope");
  expect(response.status).toBe(404);
  const body = (await response.json()) as { error: { code: string } };
  expect(body.error.code).toBe("not_found");
});
