import { describe, expect, it } from "vitest";
import {
  parseTwilioMessage,
  TwilioMessageError,
} from "../../src/twilio/messages.ts";

function media(fields: Record<string, unknown>): string {
  return JSON.stringify({
    event: "media",
    sequenceNumber: "12",
    streamSid: "MZ1",
    media: {
      track: "outbound",
      chunk: "10",
      timestamp: "180",
      payload: btoa("\xff\x7f\x00"),
      ...fields,
    },
  });
}

describe("Twilio message parsing", () => {
  it("reads numeric strings as numbers", () => {
    const message = parseTwilioMessage(media({}));
    expect(message).toMatchObject({
      event: "media",
      sequenceNumber: 12,
      track: "outbound",
      chunk: 10,
      timestampMs: 180,
    });
    // As strings "10" sorts before "9"; as numbers it comes after.
    const earlier = parseTwilioMessage(media({ chunk: "9" }));
    if (message.event !== "media" || earlier.event !== "media") {
      throw new Error("expected media messages");
    }
    expect(message.chunk).toBeGreaterThan(earlier.chunk);
    expect([...message.payload]).toEqual([0xff, 0x7f, 0x00]);
  });

  it("accepts numbers sent as numbers", () => {
    const message = parseTwilioMessage(media({ chunk: 3, timestamp: 40 }));
    expect(message).toMatchObject({ chunk: 3, timestampMs: 40 });
  });

  it("rejects a non-numeric timestamp", () => {
    expect(() => parseTwilioMessage(media({ timestamp: "1e3" }))).toThrow(
      /media.timestamp "1e3" is invalid/,
    );
    expect(() => parseTwilioMessage(media({ timestamp: "-5" }))).toThrow(
      TwilioMessageError,
    );
  });

  it("rejects an unknown track", () => {
    expect(() => parseTwilioMessage(media({ track: "both" }))).toThrow(
      /media.track "both" is invalid/,
    );
  });

  it("reads a start message", () => {
    const message = parseTwilioMessage(
      JSON.stringify({
        event: "start",
        sequenceNumber: "1",
        streamSid: "MZ1",
        start: {
          streamSid: "MZ1",
          accountSid: "AC1",
          callSid: "CA1",
          tracks: ["inbound", "outbound"],
          customParameters: { userId: "u1" },
          mediaFormat: {
            encoding: "audio/x-mulaw",
            sampleRate: 8000,
            channels: 1,
          },
        },
      }),
    );
    expect(message).toEqual({
      event: "start",
      sequenceNumber: 1,
      streamSid: "MZ1",
      callSid: "CA1",
      accountSid: "AC1",
      tracks: ["inbound", "outbound"],
      customParameters: { userId: "u1" },
      encoding: "mulaw",
      sampleRate: 8000,
      channels: 1,
    });
  });

  it("rejects an unsupported media encoding", () => {
    const text = JSON.stringify({
      event: "start",
      sequenceNumber: "1",
      start: {
        streamSid: "MZ1",
        mediaFormat: { encoding: "audio/l16", sampleRate: 8000, channels: 1 },
      },
    });
    expect(() => parseTwilioMessage(text)).toThrow(/audio\/l16/);
  });

  it("reads dtmf, mark and stop", () => {
    expect(
      parseTwilioMessage(
        '{"event":"dtmf","sequenceNumber":"5","streamSid":"MZ1","dtmf":{"track":"inbound_track","digit":"7"}}',
      ),
    ).toEqual({
      event: "dtmf",
      sequenceNumber: 5,
      streamSid: "MZ1",
      track: "inbound_track",
      digit: "7",
    });
    expect(
      parseTwilioMessage(
        '{"event":"mark","sequenceNumber":"6","streamSid":"MZ1","mark":{"name":"m1"}}',
      ),
    ).toMatchObject({ event: "mark", name: "m1" });
    expect(
      parseTwilioMessage(
        '{"event":"stop","sequenceNumber":"7","streamSid":"MZ1"}',
      ),
    ).toMatchObject({ event: "stop", sequenceNumber: 7 });
  });

  it("rejects unknown events", () => {
    expect(() => parseTwilioMessage('{"event":"clear"}')).toThrow(
      /unknown event "clear"/,
    );
  });
});
