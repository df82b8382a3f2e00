/**
 * The AudioWorkletGlobalScope names the capture processor uses. TypeScript
 * 5.9 ships no lib for this scope; these follow the Web Audio API
 * specification.
 */
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
  abstract process(
    inputs: Float32Array[][],
    outputs: Float32Array[][],
    parameters: Record<string, Float32Array>,
  ): boolean;
}

declare function registerProcessor(
  name: string,
  processorConstructor: new (
    options: AudioWorkletNodeOptions,
  ) => AudioWorkletProcessor,
): void;

/** The context's sample rate, in Hz. */
declare const sampleRate: number;
