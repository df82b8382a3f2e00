import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Debian's Chromium; CI installs it with apt. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface BrowserSession {
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far, such as CSP violations. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile. With `fakeAudioFile`, the
 * microphone is a fake device that plays that WAV file in a loop, and the
 * permission prompt is accepted automatically.
 */
export async function launchChromium(
  options: { fakeAudioFile?: string } = {},
): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
  if (options.fakeAudioFile) {
    args.push(
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${options.fakeAudioFile}`,
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  const pageErrors: string[] = [];
  const watch = (page: import("playwright-core").Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
  };
  context.pages().forEach(watch);
  context.on("page", watch);

  return {
    context,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
