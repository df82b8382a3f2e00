/** Formatting of figures for display. */

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** Formats a byte count with binary units, such as "1.5 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** Formats milliseconds as "1:02:03" or "2:03". */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, "0");
  if (hours === 0) return `${minutes}:${ss}`;
  return `${hours}:${String(minutes).padStart(2, "0")}:${ss}`;
}

/** Formats a time as local HH:MM:SS, or "never" for 0 or null. */
export function formatTime(epochMs: number | null | undefined): string {
  if (!epochMs) return "never";
  return new Date(epochMs).toLocaleTimeString();
}

/** Formats a share from 0 to 1 as a percentage, or "n/a" for null. */
export function formatPercent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "n/a";
  return `${(share * 100).toFixed(1)} %`;
}

/** Returns the element with `id`, which the page's HTML must contain. */
export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no element #${id}`);
  return found as T;
}
