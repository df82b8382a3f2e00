import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseWav } from "../../src/audio/wav.ts";

/** A 158 s LibriVox reading, 16 kHz mono PCM16, looped for longer streams. */
const SPEECH_FILE = join(
  import.meta.dirname,
  "../../../shared/fixtures/audio/speech-en-librivox-sonnets-16k-mono-158s.wav",
);

/** Real speech bytes, repeated end to end for as long as a stream needs. */
export class SpeechSource {
  private readonly data: Uint8Array;

  constructor() {
    let file: Uint8Array;
    try {
      file = readFileSync(SPEECH_FILE);
    } catch (error) {
      throw new Error(
        `cannot read the speech recording ${SPEECH_FILE} (${(error as Error).message}); the bench streams it as its audio`,
      );
    }
    const wav = parseWav(file);
    if (wav.format.sampleRate !== 16_000 || wav.format.channels !== 1) {
      throw new Error(`${SPEECH_FILE} is not 16 kHz mono PCM16`);
    }
    // An even length keeps every loop on a sample boundary.
    const length = wav.dataBytes - (wav.dataBytes % 2);
    this.data = file.subarray(wav.dataOffset, wav.dataOffset + length);
  }

  /** Stream bytes [offset, offset + length); a view where possible, else a copy. */
  bytesAt(offset: number, length: number): Uint8Array {
    const at = offset % this.data.length;
    if (at + length <= this.data.length) {
      return this.data.subarray(at, at + length);
    }
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length;) {
      const from = (offset + filled) % this.data.length;
      const take = Math.min(length - filled, this.data.length - from);
      out.set(this.data.subarray(from, from + take), filled);
      filled += take;
    }
    return out;
  }
}
