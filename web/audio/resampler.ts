/**
 * A streaming band-limited resampler for mono float audio: windowed-sinc
 * interpolation with a low-pass cutoff below the lower of the two Nyquist
 * frequencies, so downsampling from 44.1 or 48 kHz to 16 kHz does not alias.
 * It keeps the last few input samples between calls, so blocks of any size
 * resample as one continuous signal.
 */

/** Zero crossings of the sinc kernel on each side of its centre. */
const HALF_WIDTH = 16;
/** Kernel table points per unit of input time; the kernel is interpolated between them. */
const TABLE_RESOLUTION = 256;
/** Cutoff as a share of the lower Nyquist frequency, leaving room for the transition band. */
const CUTOFF_SHARE = 0.92;

export class StreamingResampler {
  /** Input samples per output sample. */
  private readonly step: number;
  /** Kernel reach on each side of an output time, in input samples. */
  private readonly reach: number;
  private readonly cutoff: number;
  private readonly table: Float32Array;
  /** Input not yet consumed, starting `reach` samples of history before `position`. */
  private buffer: Float32Array;
  /** Time of the next output sample, in input samples from the start of `buffer`. */
  private position: number;

  readonly inputRate: number;
  readonly outputRate: number;

  constructor(inputRate: number, outputRate: number) {
    if (!(inputRate > 0) || !(outputRate > 0)) {
      throw new RangeError(
        `sample rates must be positive, got ${inputRate} and ${outputRate}`,
      );
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.step = inputRate / outputRate;
    this.cutoff = Math.min(1, outputRate / inputRate) * CUTOFF_SHARE;
    this.reach = Math.ceil(HALF_WIDTH / this.cutoff);
    this.table = kernelTable(this.cutoff, this.reach);
    // Zeros stand in for the signal before the first sample.
    this.buffer = new Float32Array(this.reach);
    this.position = this.reach;
  }

  /** Resamples one block and returns the output samples it completes. */
  process(input: Float32Array): Float32Array {
    const buffer = new Float32Array(this.buffer.length + input.length);
    buffer.set(this.buffer);
    buffer.set(input, this.buffer.length);

    // An output needs `reach` input samples after its time.
    const last = buffer.length - 1 - this.reach;
    const count = Math.max(
      0,
      Math.floor((last - this.position) / this.step) + 1,
    );
    const output = new Float32Array(count);
    for (let n = 0; n < count; n++) {
      output[n] = this.interpolate(buffer, this.position + n * this.step);
    }
    this.position += count * this.step;

    const keepFrom = Math.floor(this.position) - this.reach;
    this.buffer = buffer.slice(keepFrom);
    this.position -= keepFrom;
    return output;
  }

  private interpolate(buffer: Float32Array, time: number): number {
    const base = Math.floor(time);
    let sum = 0;
    let weights = 0;
    for (let i = base - this.reach + 1; i <= base + this.reach; i++) {
      const weight = this.kernel(time - i);
      sum += weight * buffer[i]!;
      weights += weight;
    }
    // Dividing by the summed weights makes the gain at 0 Hz exactly 1.
    return weights === 0 ? 0 : sum / weights;
  }

  private kernel(distance: number): number {
    const scaled = Math.abs(distance) * TABLE_RESOLUTION;
    const index = Math.floor(scaled);
    if (index >= this.table.length - 1) return 0;
    const fraction = scaled - index;
    return (
      this.table[index]! * (1 - fraction) + this.table[index + 1]! * fraction
    );
  }
}

/** Samples a Blackman-windowed sinc low-pass kernel from 0 to `reach`. */
function kernelTable(cutoff: number, reach: number): Float32Array {
  const table = new Float32Array(reach * TABLE_RESOLUTION + 2);
  for (let i = 0; i < table.length; i++) {
    const x = i / TABLE_RESOLUTION;
    if (x >= reach) break;
    const t = Math.PI * cutoff * x;
    const sinc = x === 0 ? 1 : Math.sin(t) / t;
    const w = x / reach;
    const window =
      0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
    table[i] = cutoff * sinc * window;
  }
  return table;
}
