import type { AudioFormat } from "../audio/format.ts";
import type { Env } from "../env.ts";
import { jsonError } from "../http/responses.ts";
import { errorMessage, log } from "../log.ts";
import { CloseCode } from "../protocol/close-codes.ts";
import { readSecret } from "../auth/secrets.ts";
import { claimsAllow, verifyUserToken } from "../auth/user-token.ts";
import { isValidId } from "../storage/keys.ts";
import {
  parseTwilioMessage,
  TwilioMessageError,
  type TwilioMedia,
  type TwilioStart,
  type TwilioTrack,
} from "./messages.ts";
import { TrackSession } from "./track-session.ts";

/** Counters of one track, for the stop log line. */
interface TrackStats {
  chunks: number;
  lastChunk: number;
  duplicates: number;
  gapBytes: number;
  lateBytes: number;
}

/**
 * One Twilio Media Stream. Each track of the call is stored as its own mono
 * session, `{streamSid}-inbound` and `{streamSid}-outbound`, never mixed.
 * A media message is placed at the byte offset its timestamp gives
 * (timestamp in ms x 8 bytes at 8 kHz), so time Twilio skipped becomes a gap
 * that downloads fill with silence, and both tracks stay aligned.
 */
export class TwilioMediaStream {
  private start: TwilioStart | null = null;
  private userId = "";
  private readonly tracks = new Map<TwilioTrack, Promise<TrackSession>>();
  private readonly stats = new Map<TwilioTrack, TrackStats>();
  private lastSequence = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private resolveDone!: () => void;
  /** Settles once every track session was stopped or closed. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly env: Env,
    private readonly socket: WebSocket,
  ) {}

  /** Queues one frame; frames are handled strictly in arrival order. */
  receive(data: string | ArrayBuffer): void {
    this.queue = this.queue
      .then(() => this.handle(data))
      .catch((error: unknown) => this.fail(error));
  }

  /**
   * Returns the user of the signed user token in the `token` custom
   * parameter. The token must allow any session or this stream's id.
   */
  private async authorize(message: TwilioStart): Promise<string> {
    const token = message.customParameters.token ?? "";
    if (token === "") {
      throw new TwilioMessageError(
        'custom parameter token is missing: add <Parameter name="token" value="USER_TOKEN"/> to the <Stream>',
      );
    }
    const secret = readSecret(this.env, "AUDIO_STORAGE_TOKEN_SECRET");
    if (secret instanceof Response) {
      throw new Error("AUDIO_STORAGE_TOKEN_SECRET is not usable");
    }

    const result = await verifyUserToken(token, secret, Date.now());
    if (!result.ok)
      throw new TwilioMessageError(`custom parameter token: ${result.reason}`);
    const userId = result.claims.sub;
    if (
      !isValidId(userId) ||
      !claimsAllow(result.claims, userId, message.streamSid)
    ) {
      throw new TwilioMessageError(
        `the token does not allow stream ${message.streamSid}: mint one for any session or for this streamSid`,
      );
    }
    return userId;
  }

  /** Twilio closed the socket: end every track. */
  onSocketClosed(): void {
    this.queue = this.queue.then(() => this.finish("socket_closed"));
  }

  private async handle(data: string | ArrayBuffer): Promise<void> {
    if (this.closed) return;
    if (typeof data !== "string") {
      throw new TwilioMessageError(
        "binary frames are not part of the protocol",
      );
    }
    const message = parseTwilioMessage(data);
    if (message.event !== "connected")
      this.checkSequence(message.sequenceNumber);

    switch (message.event) {
      case "connected":
        log.info("twilio_connected", {
          protocol: message.protocol,
          version: message.version,
        });
        break;
      case "start":
        await this.onStart(message);
        break;
      case "media":
        await this.onMedia(message);
        break;
      case "mark":
        log.info("twilio_mark", { ...this.ids(), name: message.name });
        break;
      case "dtmf":
        // The digit is left out of logs: callers key in PINs and card numbers.
        log.info("twilio_dtmf", { ...this.ids(), track: message.track });
        break;
      case "stop":
        await this.finish("stop");
        break;
    }
  }

  private async onStart(message: TwilioStart): Promise<void> {
    if (this.start) {
      throw new TwilioMessageError(
        "a second start message arrived; one stream sends one",
      );
    }
    if (!isValidId(message.streamSid)) {
      throw new TwilioMessageError(
        `streamSid ${JSON.stringify(message.streamSid)} is invalid: expected letters, digits, '.', '_' or '-'`,
      );
    }
    const userId = await this.authorize(message);
    if (message.sampleRate !== 8_000 || message.channels !== 1) {
      throw new TwilioMessageError(
        `media format ${message.sampleRate} Hz, ${message.channels} channel(s) is not supported: expected 8000 Hz mono`,
      );
    }
    this.start = message;
    this.userId = userId;
    log.info("twilio_stream_started", {
      ...this.ids(),
      callSid: message.callSid,
      tracks: message.tracks,
      encoding: message.encoding,
    });
  }

  private async onMedia(message: TwilioMedia): Promise<void> {
    const start = this.start;
    if (!start) {
      throw new TwilioMessageError("media arrived before start");
    }
    const stats = this.trackStats(message.track);
    if (message.chunk <= stats.lastChunk) {
      stats.duplicates++;
      return;
    }
    stats.lastChunk = message.chunk;
    stats.chunks++;

    const track = await this.track(start, message.track);
    const at = message.timestampMs * bytesPerMs(start);
    if (at > track.offset) stats.gapBytes += at - track.offset;
    stats.lateBytes += track.write(at, message.payload);
  }

  private track(start: TwilioStart, name: TwilioTrack): Promise<TrackSession> {
    let track = this.tracks.get(name);
    if (!track) {
      const format: AudioFormat = {
        encoding: start.encoding,
        sampleRate: start.sampleRate,
        channels: 1,
      };
      track = TrackSession.open(
        this.env,
        this.userId,
        trackSessionId(start.streamSid, name),
        format,
      );
      this.tracks.set(name, track);
    }
    return track;
  }

  private trackStats(name: TwilioTrack): TrackStats {
    let stats = this.stats.get(name);
    if (!stats) {
      stats = {
        chunks: 0,
        lastChunk: 0,
        duplicates: 0,
        gapBytes: 0,
        lateBytes: 0,
      };
      this.stats.set(name, stats);
    }
    return stats;
  }

  /** Logs skipped sequence numbers; Twilio numbers every message from 1. */
  private checkSequence(sequenceNumber: number): void {
    if (this.lastSequence > 0 && sequenceNumber > this.lastSequence + 1) {
      log.warn("twilio_messages_missing", {
        ...this.ids(),
        after: this.lastSequence,
        next: sequenceNumber,
      });
    }
    this.lastSequence = Math.max(this.lastSequence, sequenceNumber);
  }

  /** Stops every track session and closes Twilio's socket. */
  private async finish(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const results = await Promise.allSettled(
      [...this.tracks.values()].map(async (track) => (await track).stop()),
    );
    for (const result of results) {
      if (result.status === "rejected") {
        log.error("twilio_track_stop_failed", {
          ...this.ids(),
          error: errorMessage(result.reason),
        });
      }
    }
    log.info("twilio_stream_stopped", {
      ...this.ids(),
      reason,
      tracks: Object.fromEntries(this.stats),
    });
    try {
      this.socket.close(CloseCode.normal, "stream stopped");
    } catch {
      // Twilio already closed it.
    }
    this.resolveDone();
  }

  private async fail(error: unknown): Promise<void> {
    const protocolError = error instanceof TwilioMessageError;
    log.error("twilio_stream_failed", {
      ...this.ids(),
      error: errorMessage(error),
    });
    if (this.closed) return;
    if (!protocolError) {
      await this.finish("error");
      return;
    }
    this.closed = true;
    for (const track of this.tracks.values()) {
      track.then((session) => session.close()).catch(() => undefined);
    }
    try {
      this.socket.close(CloseCode.policyViolation, errorMessage(error));
    } catch {
      // Already closed.
    }
    this.resolveDone();
  }

  private ids() {
    return { userId: this.userId, streamSid: this.start?.streamSid };
  }
}

/** Session id of one track of a stream. */
export function trackSessionId(streamSid: string, track: TwilioTrack): string {
  return `${streamSid}-${track}`;
}

/** Stream bytes per millisecond: 8 at 8 kHz mono, one byte per sample. */
function bytesPerMs(start: TwilioStart): number {
  return (start.sampleRate / 1000) * start.channels;
}

/** Accepts a Twilio Media Streams WebSocket at /v1/twilio/stream. */
export function acceptTwilioStream(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
): Response {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(
      426,
      "upgrade_required",
      "this route accepts WebSocket upgrades only",
    );
  }
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  const stream = new TwilioMediaStream(env, server);
  server.addEventListener("message", (event) => stream.receive(event.data));
  server.addEventListener("close", () => stream.onSocketClosed());
  server.addEventListener("error", () => stream.onSocketClosed());
  ctx.waitUntil(stream.done);
  return new Response(null, { status: 101, webSocket: client });
}
