/**
 * Microphone capture: getUserMedia into an AudioWorklet that emits 16 kHz
 * mono PCM16 frames, resampled from whatever rate the AudioContext runs at.
 */
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureMessage,
  type CaptureOptions,
} from "./capture-messages.ts";

/** Rate of the PCM sent to the service, in Hz. */
export const CAPTURE_RATE_HZ = 16_000;
/** Frame length, in milliseconds of audio. */
export const FRAME_MS = 20;

/** URL of the bundled processor module, beside the page's own bundle. */
const PROCESSOR_URL = "/assets/capture-processor.js";

export interface MicrophoneCapture {
  /** Sample rate the AudioContext runs at, in Hz. */
  contextRate: number;
  /** Emits the partial last frame, then stops the microphone and the context. */
  stop(): Promise<void>;
}

export interface CaptureCallbacks {
  onFrame(pcm: Int16Array, level: number): void;
}

/** Opens the microphone and starts emitting frames; call from a user gesture. */
export async function startMicrophone(
  callbacks: CaptureCallbacks,
): Promise<MicrophoneCapture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    // Speech recognition wants the raw signal, not one tuned for calls.
    audio: {
      channelCount: 1,
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(PROCESSOR_URL);
  } catch (error) {
    stopTracks(stream);
    await context.close();
    throw error;
  }

  const processorOptions: CaptureOptions = {
    outputRate: CAPTURE_RATE_HZ,
    frameSamples: (CAPTURE_RATE_HZ * FRAME_MS) / 1000,
  };
  const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    channelCount: 1,
    channelCountMode: "explicit",
    processorOptions,
  });
  let flushed: (() => void) | null = null;
  node.port.onmessage = (event: MessageEvent<CaptureMessage>) => {
    const message = event.data;
    if (message.type === "frame") {
      callbacks.onFrame(new Int16Array(message.pcm), message.level);
    } else if (message.type === "flushed") {
      // Frames the processor posts after the flush hold audio captured
      // after the user asked to stop, so they are dropped.
      node.port.onmessage = null;
      flushed?.();
    }
  };
  context.createMediaStreamSource(stream).connect(node);
  // The processor writes no output, so the destination plays silence; the
  // connection keeps the graph pulling audio through the processor.
  node.connect(context.destination);
  await context.resume();

  return {
    contextRate: context.sampleRate,
    stop: async () => {
      const done = new Promise<void>((resolve) => (flushed = resolve));
      node.port.postMessage({ type: "flush" });
      await done;
      stopTracks(stream);
      node.disconnect();
      await context.close();
    },
  };
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
