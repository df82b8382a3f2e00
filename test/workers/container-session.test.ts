import { describe, expect, it } from "vitest";
import { openStream, request } from "./session-helpers.ts";

const WEBM_FORMAT = { encoding: "webm", sampleRate: 48_000, channels: 1 };

describe("container sessions", () => {
  it("reject a stream without the container header", async () => {
    const stream = await openStream("box-user", "webm-bad-start", WEBM_FORMAT);
    await stream.next("ready");
    stream.socket.send(new TextEncoder().encode("OggS and more"));
    const error = await stream.next("error");
    expect(error.code).toBe("bad_format");
    expect(String(error.message)).toContain("1a 45 df a3");
  });

  it("accept a header split across frames", async () => {
    const stream = await openStream("box-user", "webm-split", WEBM_FORMAT);
    await stream.next("ready");
    stream.socket.send(new Uint8Array([0x1a, 0x45]));
    stream.socket.send(new Uint8Array([0xdf, 0xa3, 0x9f]));
    stream.socket.send(JSON.stringify({ type: "ping", id: 1 }));
    await stream.next("pong");
    expect(stream.messages.some((m) => m.type === "error")).toBe(false);
  });

  it("answer the window with 409", async () => {
    const stream = await openStream("box-user", "webm-window", WEBM_FORMAT);
    await stream.next("ready");
    stream.socket.send(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]));
    stream.socket.send(JSON.stringify({ type: "ping", id: 1 }));
    await stream.next("pong");
    const response = await request(
      "/v1/sessions/webm-window/window?userId=box-user",
    );
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("window_unavailable");
  });
});
