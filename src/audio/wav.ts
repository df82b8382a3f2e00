import { blockAlign, type AudioFormat } from "./format.ts";

/** Size of the canonical PCM WAV header: RIFF, fmt and data chunk headers. */
export const WAV_HEADER_BYTES = 44;

/** WAV data chunks are capped by the 32-bit RIFF size field. */
export const MAX_WAV_DATA_BYTES = 0xffff_ffff - 36 - 1;

/**
 * Builds a 44-byte PCM WAV header for `dataBytes` bytes of audio. A data
 * chunk of odd length is followed by one pad byte, which the RIFF size
 * counts and the data size does not.
 */
export function wavHeader(format: AudioFormat, dataBytes: number): Uint8Array {
  if (format.encoding !== "pcm_s16le") {
    throw new TypeError(
      `wavHeader writes 16-bit PCM headers only, got ${format.encoding}; decode the audio to pcm_s16le first`,
    );
  }
  if (dataBytes < 0 || dataBytes > MAX_WAV_DATA_BYTES) {
    throw new RangeError(`WAV data size ${dataBytes} is out of range`);
  }
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const align = blockAlign(format);
  const pad = dataBytes % 2;

  writeAscii(header, 0, "RIFF");
  view.setUint32(4, 36 + dataBytes + pad, true);
  writeAscii(header, 8, "WAVE");
  writeAscii(header, 12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * align, true);
  view.setUint16(32, align, true);
  view.setUint16(34, 16, true);
  writeAscii(header, 36, "data");
  view.setUint32(40, dataBytes, true);
  return header;
}

/** Total file size of a WAV holding `dataBytes` bytes of audio. */
export function wavFileBytes(dataBytes: number): number {
  return WAV_HEADER_BYTES + dataBytes + (dataBytes % 2);
}

function writeAscii(target: Uint8Array, at: number, text: string) {
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i);
}

/** A parsed WAV file: its format and where its PCM data sits. */
export interface ParsedWav {
  format: AudioFormat;
  dataOffset: number;
  dataBytes: number;
}

/**
 * Finds the fmt and data chunks of a PCM16 WAV file, skipping any other
 * chunks (LIST and the like) that sit between them.
 */
export function parseWav(file: Uint8Array): ParsedWav {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (readAscii(file, 0, 4) !== "RIFF" || readAscii(file, 8, 4) !== "WAVE") {
    throw new Error("not a RIFF WAVE file");
  }

  let format: AudioFormat | undefined;
  let at = 12;
  while (at + 8 <= file.length) {
    const id = readAscii(file, at, 4);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      const audioFormat = pcmFormatCode(view, body, size);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bits = view.getUint16(body + 14, true);
      if (
        audioFormat !== 1 ||
        bits !== 16 ||
        (channels !== 1 && channels !== 2)
      ) {
        throw new Error(
          `unsupported WAV format: code ${audioFormat}, ${bits} bits, ${channels} channels; expected 16-bit PCM mono or stereo`,
        );
      }
      format = { encoding: "pcm_s16le", sampleRate, channels };
    } else if (id === "data") {
      if (!format) throw new Error("WAV data chunk comes before its fmt chunk");
      const dataBytes = Math.min(size, file.length - body);
      return { format, dataOffset: body, dataBytes };
    }
    at = body + size + (size % 2);
  }
  throw new Error("WAV file has no data chunk");
}

/** WAVE_FORMAT_EXTENSIBLE: the real format code is in the sub-format GUID. */
const FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Returns the fmt chunk's format code, reading an extensible header's
 * sub-format (its first two bytes are the plain code, 1 for PCM).
 */
function pcmFormatCode(view: DataView, body: number, size: number): number {
  const code = view.getUint16(body, true);
  if (code !== FORMAT_EXTENSIBLE || size < 40) return code;
  return view.getUint16(body + 24, true);
}

function readAscii(source: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...source.subarray(at, at + length));
}
