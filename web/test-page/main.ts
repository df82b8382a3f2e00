/** The test page: streams the microphone and plays back what the service stored. */
import { CAPTURE_RATE_HZ } from "../audio/microphone.ts";
import {
  adminToken,
  saveAdminToken,
  userIdentity,
  userFetch,
  type UserIdentity,
} from "../shared/auth.ts";
import { element, formatBytes } from "../shared/format.ts";
import { ensureOk } from "../shared/http.ts";
import { EventLog } from "./event-log.ts";
import { renderCapture, renderFigures, renderLevel } from "./figures.ts";
import { playResponse } from "./playback.ts";
import { RecordingsList } from "./recordings.ts";
import { StreamController } from "./stream-controller.ts";

const sessionInput = element<HTMLInputElement>("session-id");
const tokenInput = element<HTMLInputElement>("user-token");
const startButton = element<HTMLButtonElement>("start-button");
const stopButton = element<HTMLButtonElement>("stop-button");
const dropButton = element<HTMLButtonElement>("drop-button");
const streamStatus = element("stream-status");

const log = new EventLog(element<HTMLOListElement>("event-log"));
let renderQueued = false;
const controller = new StreamController(log, {
  onChange: queueRender,
  onLevel: renderLevel,
  onCapture: (rate) => renderCapture(rate, CAPTURE_RATE_HZ),
});
const recordings = new RecordingsList({
  body: element<HTMLTableElement>("recordings-table").tBodies[0]!,
  more: element<HTMLButtonElement>("recordings-more"),
  audio: element<HTMLAudioElement>("recording-audio"),
  status: element("recordings-status"),
});

/** Coalesces figure updates (one per 20 ms frame) into one per animation frame. */
function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderFigures(controller.figures());
  });
}

/** Reads the identity from the token field. Throws for a malformed token. */
function identity(): UserIdentity {
  return userIdentity(tokenInput.value);
}

function showUser(): void {
  let name = "none";
  try {
    if (tokenInput.value.trim() !== "") name = identity().userId;
  } catch (error) {
    name = (error as Error).message;
  }
  element("user-name").textContent = name;
}

function setStreaming(streaming: boolean): void {
  startButton.disabled = streaming;
  stopButton.disabled = !streaming;
  dropButton.disabled = !streaming;
  sessionInput.readOnly = streaming;
  tokenInput.readOnly = streaming;
}

async function start(): Promise<void> {
  setStreaming(true);
  log.clear();
  streamStatus.textContent = "Opening the microphone…";
  try {
    await controller.start(sessionInput.value, identity());
    streamStatus.textContent = `Streaming session ${sessionInput.value}.`;
  } catch (error) {
    setStreaming(false);
    streamStatus.textContent = `Could not start: ${(error as Error).message}`;
  }
  queueRender();
}

async function stop(): Promise<void> {
  stopButton.disabled = true;
  dropButton.disabled = true;
  streamStatus.textContent = "Stopping: waiting until every byte is in R2…";
  try {
    const offsets = await controller.stop();
    streamStatus.textContent = `Stopped. ${formatBytes(offsets.uploaded)} stored.`;
  } catch (error) {
    streamStatus.textContent = `Stop failed: ${(error as Error).message}`;
  }
  setStreaming(false);
  queueRender();
}

async function playWindow(): Promise<void> {
  const status = element("window-status");
  const seconds = element<HTMLInputElement>("window-seconds").valueAsNumber;
  const path = `/v1/sessions/${encodeURIComponent(sessionInput.value)}/window?seconds=${seconds}`;
  status.textContent = "Loading the window…";
  try {
    const response = await ensureOk(await userFetch(path, identity()));
    const blob = await playResponse(
      element<HTMLAudioElement>("window-audio"),
      response,
    );
    status.textContent = `Playing the last ${seconds} s (${formatBytes(blob.size)}).`;
  } catch (error) {
    status.textContent = `Window playback failed: ${(error as Error).message}`;
  }
}

async function listRecordings(): Promise<void> {
  const status = element("recordings-status");
  let user: UserIdentity;
  try {
    user = identity();
  } catch (error) {
    status.textContent = (error as Error).message;
    return;
  }
  const typed = element<HTMLInputElement>(
    "recordings-admin-token",
  ).value.trim();
  if (typed !== "") saveAdminToken(typed);
  if (adminToken() === null) {
    status.textContent = "Enter the admin token to list recordings.";
    return;
  }
  await recordings.show(user);
}

function onSubmit(id: string, action: () => Promise<void>): void {
  element<HTMLFormElement>(id).addEventListener("submit", (event) => {
    event.preventDefault();
    void action();
  });
}

sessionInput.value = `mic-${Date.now().toString(36)}`;
tokenInput.addEventListener("input", showUser);
showUser();
onSubmit("stream-form", start);
onSubmit("window-form", playWindow);
onSubmit("recordings-form", listRecordings);
stopButton.addEventListener("click", () => void stop());
dropButton.addEventListener("click", () => controller.dropConnection());
renderFigures(controller.figures());
