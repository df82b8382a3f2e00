/**
 * AudioWorklet processor: mixes the input to mono, resamples it from the
 * context rate to `outputRate`, converts it to PCM16 and posts it to the page
 * in frames of `frameSamples`. Bundled on its own, because a worklet module
 * runs in the audio thread's global scope.
 */
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureMessage,
  type CaptureOptions,
  type FlushRequest,
} from "./capture-messages.ts";
import { floatToPcm16, pcm16Rms } from "./pcm16.ts";
import { StreamingResampler } from "./resampler.ts";

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler: StreamingResampler;
  private readonly frame: Float32Array;
  private filled = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { outputRate, frameSamples } =
      options.processorOptions as CaptureOptions;
    this.resampler = new StreamingResampler(sampleRate, outputRate);
    this.frame = new Float32Array(frameSamples);
    this.port.onmessage = (event: MessageEvent<FlushRequest>) => {
      if (event.data.type === "flush") this.flush();
    };
  }

  override process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0] ?? [];
    if (channels.length === 0) return true;

    const resampled = this.resampler.process(mixToMono(channels));
    let read = 0;
    while (read < resampled.length) {
      const take = Math.min(
        this.frame.length - this.filled,
        resampled.length - read,
      );
      this.frame.set(resampled.subarray(read, read + take), this.filled);
      this.filled += take;
      read += take;
      if (this.filled === this.frame.length) this.emit(this.frame);
    }
    // Returning true keeps the processor alive while the page captures.
    return true;
  }

  private flush(): void {
    if (this.filled > 0) this.emit(this.frame.subarray(0, this.filled));
    this.post({ type: "flushed" });
  }

  private emit(samples: Float32Array): void {
    const pcm = floatToPcm16(samples);
    this.filled = 0;
    this.post({ type: "frame", pcm: pcm.buffer, level: pcm16Rms(pcm) }, [
      pcm.buffer,
    ]);
  }

  private post(message: CaptureMessage, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }
}

function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const mono = new Float32Array(channels[0]!.length);
  for (const channel of channels) {
    for (let i = 0; i < mono.length; i++) mono[i]! += channel[i]!;
  }
  for (let i = 0; i < mono.length; i++) mono[i]! /= channels.length;
  return mono;
}

registerProcessor(CAPTURE_PROCESSOR_NAME, CaptureProcessor);
