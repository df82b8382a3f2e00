/**
 * Ties the microphone to the resumable stream client and keeps the counts
 * the live figures show.
 */
import {
  AudioStreamClient,
  type ClientEvent,
  type StreamOffsets,
} from "../../src/client/audio-stream-client.ts";
import {
  CAPTURE_RATE_HZ,
  startMicrophone,
  type MicrophoneCapture,
} from "../audio/microphone.ts";
import { streamTarget, type UserIdentity } from "../shared/auth.ts";
import { formatBytes } from "../shared/format.ts";
import type { EventLog } from "./event-log.ts";
import type { StreamFigures } from "./figures.ts";

const EMPTY_OFFSETS: StreamOffsets = {
  sent: 0,
  received: 0,
  journaled: 0,
  uploaded: 0,
};

export interface ControllerCallbacks {
  /** Called whenever a figure may have changed. */
  onChange(): void;
  onLevel(level: number): void;
  onCapture(contextRate: number): void;
}

export class StreamController {
  private client: AudioStreamClient | null = null;
  private capture: MicrophoneCapture | null = null;
  private uploadEvents = 0;
  private errors = 0;
  private lastState = "idle";
  /** True once the server has sent `ready` on this stream. */
  private connected = false;

  constructor(
    private readonly log: EventLog,
    private readonly callbacks: ControllerCallbacks,
  ) {}

  get streaming(): boolean {
    return this.capture !== null;
  }

  figures(): StreamFigures {
    return {
      state: this.client?.state ?? this.lastState,
      offsets: this.client?.offsets ?? EMPTY_OFFSETS,
      bufferedBytes: this.client?.bufferedBytes ?? 0,
      uploadEvents: this.uploadEvents,
      errors: this.errors,
    };
  }

  /**
   * Opens the microphone, then the stream. Frames captured before the server
   * is ready are queued by the client and sent once it is.
   */
  async start(sessionId: string, identity: UserIdentity): Promise<void> {
    if (this.capture) throw new Error("already streaming; stop first");
    this.uploadEvents = 0;
    this.errors = 0;
    this.connected = false;

    const target = streamTarget(sessionId, identity);
    const client = new AudioStreamClient({
      url: target.url,
      protocols: target.protocols,
      format: {
        encoding: "pcm_s16le",
        sampleRate: CAPTURE_RATE_HZ,
        channels: 1,
      },
      onEvent: (event) => this.onEvent(event),
    });
    this.capture = await startMicrophone({
      onFrame: (pcm, level) => {
        client.send(pcm);
        this.callbacks.onLevel(level);
        this.callbacks.onChange();
      },
    });
    this.client = client;
    this.callbacks.onCapture(this.capture.contextRate);
    try {
      await client.connect();
    } catch (error) {
      await this.stopCapture();
      throw error;
    }
  }

  /**
   * Stops the microphone and waits until the server stores every byte. A
   * client that never connected (a rejected token, say) is closed instead,
   * since it would otherwise keep retrying until it gives up.
   */
  async stop(): Promise<StreamOffsets> {
    const client = this.client;
    if (!client) throw new Error("not streaming");
    await this.stopCapture();
    if (!this.connected) {
      client.close();
      throw new Error("the stream never connected, so nothing was stored");
    }
    const offsets = await client.stop();
    this.log.add(
      "info",
      `recording complete: ${formatBytes(offsets.uploaded)} stored in R2`,
    );
    return offsets;
  }

  /** Closes the socket as a network fault would; the client reconnects and resumes. */
  dropConnection(): void {
    this.client?.dropConnection();
  }

  private async stopCapture(): Promise<void> {
    const capture = this.capture;
    this.capture = null;
    await capture?.stop();
    this.callbacks.onLevel(0);
  }

  private onEvent(event: ClientEvent): void {
    switch (event.type) {
      case "state":
        this.lastState = event.state;
        if (event.state === "failed") this.errors++;
        this.log.add(
          event.state === "failed" ? "error" : "info",
          `connection ${event.state}`,
        );
        break;
      case "ready":
        this.connected = true;
        this.log.add(
          "info",
          `server ready (${event.reason}), holding ${formatBytes(event.offsets.received)}`,
        );
        break;
      case "uploaded":
        this.uploadEvents++;
        this.log.add(
          "upload",
          `uploaded bytes ${event.start} to ${event.end} as ${event.key}`,
        );
        break;
      case "reconnecting":
        this.log.add(
          "info",
          `reconnecting in ${event.delayMs} ms (attempt ${event.attempt})`,
        );
        break;
      case "slow_down":
        this.log.add(
          "error",
          "the server asked to slow down: storage is behind",
        );
        break;
      case "upload_failing":
        this.errors++;
        this.log.add("error", `uploads failing: ${event.message}`);
        break;
      case "error":
        this.errors++;
        this.log.add("error", `${event.code}: ${event.message}`);
        break;
      case "ack":
        break;
    }
    this.callbacks.onChange();
  }
}
