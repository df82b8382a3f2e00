import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startDevServer,
  type DevServer,
} from "../../scripts/lib/dev-server.ts";
import { mintUserToken } from "../../scripts/lib/mint-token.ts";
import { launchChromium, type BrowserSession } from "./chromium.ts";
import { summarizeWav } from "./wav-check.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURE = resolve(
  ROOT,
  "../shared/fixtures/audio/speech-en-jfk-16k-mono.wav",
);
const ARTIFACTS = join(ROOT, "test-artifacts");

/** PCM16 mono at 16 kHz. */
const BYTES_PER_SECOND = 32_000;
/** Audio the test page streams before the checks, in seconds. */
const STREAM_SECONDS = 6;
/** Maximum wait for a condition in the page, in milliseconds. */
const WAIT_MS = 60_000;
/** Colour of the success-rate series in web/admin/upload-chart.ts. */
const SUCCESS_RGB = [0x1b, 0x6e, 0x20];

const USER_ID = "browser-user";
const SESSION_ID = `page-${Date.now()}`;

let server: DevServer;
let browser: BrowserSession;
let testPage: Page;
let streamStartedAt = 0;

/** Ids of form controls and media elements without an accessible name. */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>("input, meter, audio, select"),
    )
      .filter((element) => {
        const labels = (element as HTMLInputElement).labels;
        return (
          (labels == null || labels.length === 0) &&
          !element.hasAttribute("aria-label") &&
          !element.hasAttribute("aria-labelledby")
        );
      })
      .map((element) => element.id || element.tagName),
  );
}

function figure(page: Page, id: string): Promise<number> {
  return page
    .locator(`#${id}`)
    .getAttribute("data-value")
    .then((value) => Number(value));
}

/** Counts canvas pixels drawn in `rgb` in the dashboard's chart. */
function chartPixels(page: Page, rgb: number[]): Promise<number> {
  return page.evaluate((colour) => {
    const canvas = document.querySelector<HTMLCanvasElement>(
      "#upload-chart canvas",
    );
    const context = canvas?.getContext("2d");
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const close =
        Math.abs(data[i]! - colour[0]!) < 8 &&
        Math.abs(data[i + 1]! - colour[1]!) < 8 &&
        Math.abs(data[i + 2]! - colour[2]!) < 8;
      if (close && data[i + 3]! > 200) count++;
    }
    return count;
  }, rgb);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Uploads every 2 s, so several happen while the page streams.
  server = await startDevServer({
    vars: { AUDIO_STORAGE_UPLOAD_INTERVAL_MS: "2000" },
  });
  browser = await launchChromium({ fakeAudioFile: FIXTURE });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("admin dashboard without a token", () => {
  it("shows only the sign-in prompt", async () => {
    const page = await browser.context.newPage();
    const apiRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/")) apiRequests.push(request.url());
    });
    await page.goto(`${server.url}/admin`);

    await expect
      .poll(() => page.getByLabel("Admin token").isVisible())
      .toBe(true);
    expect(await page.locator("#dashboard").isHidden()).toBe(true);
    expect(await page.locator("#sessions-table tbody tr").count()).toBe(0);
    expect(await page.locator("#upload-chart canvas").count()).toBe(0);
    expect(apiRequests).toEqual([]);
    await page.screenshot({
      path: join(ARTIFACTS, "admin-sign-in.png"),
      fullPage: true,
    });
    await page.close();
  });

  it("rejects a wrong token and returns to the prompt", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByLabel("Admin token").fill("wrong-token");
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect
      .poll(() => page.locator("#sign-in-status").textContent())
      .toContain("rejected");
    expect(await page.locator("#dashboard").isHidden()).toBe(true);
    expect(await page.locator("#sessions-table tbody tr").count()).toBe(0);
    await page.close();
    // Chromium logs the expected 401; later checks look for unexpected errors.
    expect(browser.pageErrors).toEqual([
      "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
    ]);
    browser.pageErrors.length = 0;
  });
});

describe("test page and dashboard with a live stream", () => {
  it("streams the fake microphone", async () => {
    const token = await mintUserToken({
      secret: server.tokenSecret,
      userId: USER_ID,
    });
    testPage = await browser.context.newPage();
    await testPage.goto(`${server.url}/audio-storage-test`);
    await testPage.getByLabel("Session id").fill(SESSION_ID);
    await testPage.getByLabel("User token").fill(token);
    expect(await testPage.locator("#user-name").textContent()).toBe(USER_ID);
    expect(await unlabelledControls(testPage)).toEqual([]);

    await testPage.getByRole("button", { name: "Start streaming" }).click();
    streamStartedAt = Date.now();
    await testPage.waitForFunction(
      (bytes) =>
        Number(document.getElementById("fig-sent")?.dataset.value) >= bytes,
      STREAM_SECONDS * BYTES_PER_SECOND,
      { timeout: WAIT_MS },
    );
    await testPage.waitForFunction(
      () =>
        Number(document.getElementById("fig-upload-events")?.dataset.value) > 0,
      null,
      { timeout: WAIT_MS },
    );

    expect(await testPage.locator("#fig-state").textContent()).toBe("open");
    expect(await figure(testPage, "fig-received")).toBeGreaterThan(0);
    expect(await figure(testPage, "fig-journaled")).toBeGreaterThan(0);
    expect(await figure(testPage, "fig-uploaded")).toBeGreaterThan(0);
    expect(await figure(testPage, "fig-errors")).toBe(0);
    expect(await testPage.locator("#fig-rate").textContent()).toContain(
      "16000 Hz PCM16",
    );
  });

  it("resumes after a dropped connection", async () => {
    await testPage.getByRole("button", { name: "Drop connection" }).click();
    await testPage
      .locator("#event-log li", { hasText: "reconnecting in" })
      .first()
      .waitFor({ timeout: WAIT_MS });
    await testPage
      .locator("#event-log li", { hasText: "server ready" })
      .nth(1)
      .waitFor({ timeout: WAIT_MS });

    // The byte-exact download in a later test shows nothing was lost.
    expect(await testPage.locator("#fig-state").textContent()).toBe("open");
    expect(await figure(testPage, "fig-errors")).toBe(0);
  });

  it("plays back the last seconds of the window", async () => {
    await testPage.getByLabel("Seconds").fill("3");
    await testPage
      .getByRole("button", { name: "Play the last seconds" })
      .click();

    const audio = testPage.locator("#window-audio");
    await testPage.waitForFunction(
      () => {
        const element =
          document.querySelector<HTMLAudioElement>("#window-audio");
        return (
          element !== null &&
          Number.isFinite(element.duration) &&
          element.duration > 0
        );
      },
      null,
      { timeout: WAIT_MS },
    );
    const duration = await audio.evaluate(
      (element: HTMLAudioElement) => element.duration,
    );
    expect(duration).toBeCloseTo(3, 1);
  });

  it("dashboard shows the live session and charts uploads", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/admin`);
    // Keyboard only: the prompt focuses the token field, and Enter submits.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe("admin-token");
    await page.keyboard.type(server.adminToken);
    await page.keyboard.press("Enter");

    const row = page.locator(
      `#sessions-table tbody tr[data-session-id="${SESSION_ID}"]`,
    );
    await row.waitFor({ timeout: WAIT_MS });
    const cells = await row.locator("td").allTextContents();
    expect(cells[0]).toBe(USER_ID);
    expect(cells[1]).toBe(SESSION_ID);
    expect(cells[7]).toContain("streaming");
    expect(
      Number(await page.locator("#sum-active").getAttribute("data-value")),
    ).toBeGreaterThanOrEqual(1);

    // Two refreshes give the chart a line, not only a point.
    await page.waitForFunction(
      () =>
        Number(
          document.getElementById("upload-chart")?.dataset.points ?? "0",
        ) >= 2,
      null,
      { timeout: WAIT_MS },
    );
    expect(await chartPixels(page, SUCCESS_RGB)).toBeGreaterThan(20);
    expect(await page.locator("#alert-status").textContent()).toBe("ok");
    expect(await unlabelledControls(page)).toEqual([]);

    await page.screenshot({
      path: join(ARTIFACTS, "admin-dashboard.png"),
      fullPage: true,
    });
    await page.close();
  });

  it("stopped recording lists, plays and downloads", async () => {
    await testPage.getByRole("button", { name: "Stop and save" }).click();
    await expect
      .poll(() => testPage.locator("#stream-status").textContent(), {
        timeout: WAIT_MS,
      })
      .toMatch(/^Stopped/);
    const streamedMs = Date.now() - streamStartedAt;
    const sent = await figure(testPage, "fig-sent");
    expect(await figure(testPage, "fig-uploaded")).toBe(sent);

    await testPage.getByLabel("Admin token").fill(server.adminToken);
    await testPage.getByRole("button", { name: "List recordings" }).click();
    const row = testPage.locator(
      `#recordings-table tbody tr[data-session-id="${SESSION_ID}"]`,
    );
    await row.waitFor({ timeout: WAIT_MS });
    expect(await row.locator("td").nth(4).textContent()).toBe("yes");

    await row
      .getByRole("button", { name: `Play recording ${SESSION_ID}` })
      .click();
    await testPage.waitForFunction(
      () => {
        const audio =
          document.querySelector<HTMLAudioElement>("#recording-audio");
        return (
          audio !== null && audio.seekable.length > 0 && audio.duration > 0
        );
      },
      null,
      { timeout: WAIT_MS },
    );
    const seekTo = await testPage.evaluate(async () => {
      const audio =
        document.querySelector<HTMLAudioElement>("#recording-audio")!;
      const target = audio.duration / 2;
      const seeked = new Promise((done) =>
        audio.addEventListener("seeked", done, { once: true }),
      );
      audio.currentTime = target;
      await seeked;
      return {
        target,
        currentTime: audio.currentTime,
        seekableEnd: audio.seekable.end(0),
        duration: audio.duration,
      };
    });
    expect(seekTo.seekableEnd).toBeCloseTo(seekTo.duration, 1);
    expect(seekTo.currentTime).toBeCloseTo(seekTo.target, 1);

    const [download] = await Promise.all([
      testPage.waitForEvent("download", { timeout: WAIT_MS }),
      row
        .getByRole("button", { name: `Download recording ${SESSION_ID}` })
        .click(),
    ]);
    const file = join(ARTIFACTS, "test-page-recording.wav");
    await download.saveAs(file);
    const wav = summarizeWav(new Uint8Array(readFileSync(file)));

    expect(wav.sampleRate).toBe(16_000);
    expect(wav.channels).toBe(1);
    expect(wav.dataBytes).toBe(sent);
    expect(wav.durationSeconds).toBeGreaterThanOrEqual(STREAM_SECONDS);
    expect(wav.durationSeconds).toBeLessThanOrEqual(streamedMs / 1000 + 1);
    // Silence or a broken capture sits far below -40 dBFS; speech does not.
    expect(wav.rms).toBeGreaterThan(0.01);

    await testPage.screenshot({
      path: join(ARTIFACTS, "audio-storage-test.png"),
      fullPage: true,
    });
  });

  it("dashboard browser downloads and deletes", async () => {
    const page = await browser.context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${server.url}/admin`);
    await page.getByLabel("Admin token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("User id").fill(USER_ID);
    await page.getByRole("button", { name: "List recordings" }).click();
    const row = page.locator(
      `#browser-table tbody tr[data-session-id="${SESSION_ID}"]`,
    );
    await row.waitFor({ timeout: WAIT_MS });

    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: WAIT_MS }),
      row
        .getByRole("button", { name: `Download recording ${SESSION_ID}` })
        .click(),
    ]);
    const file = join(ARTIFACTS, "admin-recording.wav");
    await download.saveAs(file);
    const wav = summarizeWav(new Uint8Array(readFileSync(file)));
    expect(wav.dataBytes).toBe(await figure(testPage, "fig-sent"));

    await row
      .getByRole("button", { name: `Delete recording ${SESSION_ID}` })
      .click();
    await row.waitFor({ state: "detached", timeout: WAIT_MS });
    expect(await page.locator("#browser-status").textContent()).toContain(
      "Deleted",
    );
    const gone = await fetch(
      `${server.url}/api/audio-storage/download/${USER_ID}/${SESSION_ID}.wav`,
      { headers: { authorization: `Bearer ${server.adminToken}` } },
    );
    expect(gone.status).toBe(404);

    await page.getByLabel("Delete recordings older than (days)").fill("30");
    await page.getByRole("button", { name: "Clean up" }).click();
    await expect
      .poll(() => page.locator("#cleanup-status").textContent(), {
        timeout: WAIT_MS,
      })
      .toMatch(/^Cleanup finished: 0 recordings/);
    await page.close();
  });

  it("pages logged no errors", () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
