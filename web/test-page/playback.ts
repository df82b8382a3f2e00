/**
 * Plays audio fetched as a Blob. An object URL of a whole file is seekable
 * in every browser, which a streamed response without range support is not,
 * and it lets authenticated requests feed an <audio> element.
 */
const currentUrls = new WeakMap<HTMLAudioElement, string>();

/** Loads `response`'s body into `audio` and starts playing it; for short audio such as the window. */
export async function playResponse(
  audio: HTMLAudioElement,
  response: Response,
): Promise<Blob> {
  const blob = await response.blob();
  const previous = currentUrls.get(audio);
  if (previous) URL.revokeObjectURL(previous);

  const url = URL.createObjectURL(blob);
  currentUrls.set(audio, url);
  audio.src = url;
  try {
    await audio.play();
  } catch {
    // Autoplay may be blocked; the controls still let the user start it.
  }
  return blob;
}

/**
 * Points `audio` at a URL that serves Range requests, so the browser
 * streams a long recording and seeks by fetching only the bytes it needs.
 */
export async function playUrl(
  audio: HTMLAudioElement,
  url: string,
): Promise<void> {
  const previous = currentUrls.get(audio);
  if (previous) URL.revokeObjectURL(previous);
  currentUrls.delete(audio);

  audio.src = url;
  try {
    await audio.play();
  } catch {
    // Autoplay may be blocked; the controls still let the user start it.
  }
}
