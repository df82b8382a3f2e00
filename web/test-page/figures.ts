/** The live figures of the test page, each a <dd> with its raw number in data-value. */
import type { StreamOffsets } from "../../src/client/audio-stream-client.ts";
import { element, formatBytes } from "../shared/format.ts";

export interface StreamFigures {
  state: string;
  offsets: StreamOffsets;
  bufferedBytes: number;
  uploadEvents: number;
  errors: number;
}

function setNumber(id: string, value: number, text: string): void {
  const cell = element(id);
  cell.dataset.value = String(value);
  cell.textContent = text;
}

/** Writes every figure; cheap enough to call on each event. */
export function renderFigures(figures: StreamFigures): void {
  element("fig-state").textContent = figures.state;
  const { sent, received, journaled, uploaded } = figures.offsets;
  setNumber("fig-sent", sent, formatBytes(sent));
  setNumber("fig-received", received, formatBytes(received));
  setNumber("fig-journaled", journaled, formatBytes(journaled));
  setNumber("fig-uploaded", uploaded, formatBytes(uploaded));
  setNumber(
    "fig-buffered",
    figures.bufferedBytes,
    formatBytes(figures.bufferedBytes),
  );
  setNumber(
    "fig-upload-events",
    figures.uploadEvents,
    String(figures.uploadEvents),
  );
  setNumber("fig-errors", figures.errors, String(figures.errors));
}

export function renderCapture(contextRate: number, outputRate: number): void {
  element("fig-rate").textContent =
    `${contextRate} Hz microphone, sent as ${outputRate} Hz PCM16 mono`;
}

export function renderLevel(level: number): void {
  element<HTMLMeterElement>("fig-level").value = level;
}
