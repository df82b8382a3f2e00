/**
 * The test page's list of the user's recordings. The service has no
 * user-facing listing route, so the list comes from the admin API and needs
 * the admin token. Playing and downloading use the user's own recording
 * route with the user token.
 */
import { listRecordings, type RecordingEntry } from "../shared/admin-api.ts";
import { userFetch, type UserIdentity } from "../shared/auth.ts";
import { saveResponse } from "../shared/http.ts";
import { RecordingRows } from "../shared/recording-rows.ts";
import { playUrl } from "./playback.ts";

export interface RecordingsView {
  body: HTMLTableSectionElement;
  more: HTMLButtonElement;
  audio: HTMLAudioElement;
  status: HTMLElement;
}

export class RecordingsList {
  private identity: UserIdentity | null = null;
  private readonly rows: RecordingRows;

  constructor(private readonly view: RecordingsView) {
    this.rows = new RecordingRows(view.body, view.more, view.status, [
      { label: "Play", run: (entry) => this.play(entry) },
      { label: "Download", run: (entry) => this.download(entry) },
    ]);
  }

  /** Replaces the list with the first page of `identity`'s recordings. */
  async show(identity: UserIdentity): Promise<void> {
    this.identity = identity;
    await this.rows.show((cursor) => listRecordings(identity.userId, cursor));
  }

  /**
   * Streams the recording into the audio element. An element cannot send
   * headers, so the token goes in the query, the one place this page puts
   * it in a URL.
   */
  private async play(entry: RecordingEntry): Promise<void> {
    const identity = this.identity;
    if (!identity) throw new Error("list the recordings first");
    const url = `${this.recordingPath(entry)}?token=${encodeURIComponent(identity.token)}`;
    await playUrl(this.view.audio, url);
    this.view.status.textContent = `Playing ${entry.sessionId}.`;
  }

  private async download(entry: RecordingEntry): Promise<void> {
    await saveResponse(
      await this.fetchRecording(entry),
      `${entry.sessionId}.wav`,
    );
  }

  private fetchRecording(entry: RecordingEntry): Promise<Response> {
    const identity = this.identity;
    if (!identity) throw new Error("list the recordings first");
    return userFetch(this.recordingPath(entry), identity);
  }

  private recordingPath(entry: RecordingEntry): string {
    const user = encodeURIComponent(this.identity?.userId ?? "");
    const session = encodeURIComponent(entry.sessionId);
    return `/v1/recordings/${user}/${session}.wav`;
  }
}
