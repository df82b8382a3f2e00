import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { fetchWithEnv } from "./helpers/worker.ts";
import type { Env } from "../../src/env.ts";
import { adminHeaders, errorCode, userToken } from "./helpers/auth.ts";

const DEV_SECRET = "insecure-dev-token-secret-change-me-0001";
const DEV_ADMIN = "insecure-dev-admin-token-change-me-0001";

async function call(
  url: string,
  overrides: Partial<Env>,
  headers: HeadersInit = {},
): Promise<Response> {
  const request = new Request(`http://audio.test${url}`, { headers });
  return fetchWithEnv(request, { ...env, ...overrides } as Env);
}

it("missing secrets fail closed with 503", async () => {
  const admin = await call(
    "/api/audio-storage/stats",
    { ADMIN_TOKEN: undefined },
    adminHeaders(),
  );
  expect(admin.status).toBe(503);
  expect(await errorCode(admin)).toBe("secret_missing");

  const headers = { authorization: `Bearer ${await userToken("alice")}` };
  const user = await call(
    "/v1/recordings/alice/s1.wav",
    { AUDIO_STORAGE_TOKEN_SECRET: "" },
    headers,
  );
  expect(user.status).toBe(503);
  expect(await errorCode(user)).toBe("secret_missing");

  // Without a secret there is no way in, even with no credentials at all.
  const anonymous = await call("/api/audio-storage/stats", {
    ADMIN_TOKEN: undefined,
  });
  expect(anonymous.status).toBe(503);
});

it("short secrets fail closed with 503", async () => {
  const response = await call(
    "/api/audio-storage/stats",
    { ADMIN_TOKEN: "short" },
    adminHeaders("short"),
  );
  expect(response.status).toBe(503);
  expect(await errorCode(response)).toBe("secret_invalid");
});

it("development secrets need development mode", async () => {
  const overrides = {
    ADMIN_TOKEN: DEV_ADMIN,
    AUDIO_STORAGE_TOKEN_SECRET: DEV_SECRET,
  };
  const admin = await call(
    "/api/audio-storage/stats",
    overrides,
    adminHeaders(DEV_ADMIN),
  );
  expect(admin.status).toBe(503);
  expect(await errorCode(admin)).toBe("secret_invalid");

  const token = await userToken("alice", "s1", { secret: DEV_SECRET });
  const user = await call("/v1/recordings/alice/s1.wav", overrides, {
    authorization: `Bearer ${token}`,
  });
  expect(user.status).toBe(503);

  const devMode = { ...overrides, AUDIO_STORAGE_DEV_MODE: "true" };
  expect(
    (await call("/api/audio-storage/stats", devMode, adminHeaders(DEV_ADMIN)))
      .status,
  ).toBe(200);
  const devUser = await call("/v1/recordings/alice/s1.wav", devMode, {
    authorization: `Bearer ${token}`,
  });
  expect(devUser.status).toBe(404);
});
