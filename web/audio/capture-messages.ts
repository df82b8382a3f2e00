/** Messages between the capture processor (audio thread) and the page. */

/** Name the processor registers under. */
export const CAPTURE_PROCESSOR_NAME = "pcm16-capture";

/** Options the page passes as `processorOptions`. */
export interface CaptureOptions {
  /** Sample rate of the PCM the processor emits, in Hz. */
  outputRate: number;
  /** Samples per emitted frame. */
  frameSamples: number;
}

/** Page to processor: emit the partial frame now, then `flushed`. */
export interface FlushRequest {
  type: "flush";
}

export type CaptureMessage =
  /** One frame of mono PCM16 at `outputRate`, with its RMS level from 0 to 1. */
  | { type: "frame"; pcm: ArrayBuffer; level: number }
  /** Every captured sample before the flush request has been emitted. */
  | { type: "flushed" };
