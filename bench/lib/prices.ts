import type { SessionHourCounts } from "../figures/storage-cost.ts";

/**
 * Cloudflare list prices in US dollars, as published on the Durable Objects,
 * R2 and Workers pricing pages (developers.cloudflare.com) at the end of
 * 2026. Free allowances are ignored: every unit is charged.
 */
export const PRICES = {
  durationPerGbSecond: 12.5 / 1e6,
  durableObjectRequest: 0.15 / 1e6,
  /** Incoming WebSocket messages billed as one request. */
  webSocketMessagesPerRequest: 20,
  sqliteRowWritten: 1.0 / 1e6,
  sqliteGbMonth: 0.2,
  r2ClassA: 4.5 / 1e6,
  r2ClassB: 0.36 / 1e6,
  r2GbMonth: 0.015,
  workerRequest: 0.3 / 1e6,
} as const;

/** Memory billed per Durable Object, in GB: 128 MB whatever the object uses. */
const BILLED_GB = 0.128;
const SECONDS_PER_HOUR = 3_600;
const HOURS_PER_MONTH = 730;

/** The earlier storage design's figure: storage alone, per user-month, in dollars. */
export const EARLIER_STORAGE_CLAIM_PER_USER_MONTH = 0.043;

export interface CostLine {
  item: string;
  quantity: string;
  dollars: number;
}

/**
 * Prices one streamed audio-hour from measured counts. `journalSeconds` is
 * how much audio the SQLite journal holds on average (half the upload
 * interval), a derived figure, not a measured one.
 */
export function costPerAudioHour(
  counts: SessionHourCounts,
  journalSeconds: number,
): CostLine[] {
  const c = counts.perHour;
  const gbSeconds = BILLED_GB * SECONDS_PER_HOUR;
  const messageRequests =
    counts.clientMessagesPerHour / PRICES.webSocketMessagesPerRequest;
  const objectRequests = messageRequests + c.alarms + 1;
  const rows = c.sqliteRowsWritten + c.setAlarmCalls;
  const audioGb = counts.audioBytesPerHour / 1e9;
  const journalGb =
    (journalSeconds * counts.audioBytesPerHour) / SECONDS_PER_HOUR / 1e9;
  return [
    {
      item: "Durable Object duration (awake while streaming, 128 MB)",
      quantity: `${gbSeconds.toFixed(1)} GB-s`,
      dollars: gbSeconds * PRICES.durationPerGbSecond,
    },
    {
      item: "Durable Object requests (messages / 20 + alarms + upgrade)",
      quantity: objectRequests.toFixed(0),
      dollars: objectRequests * PRICES.durableObjectRequest,
    },
    {
      item: "Registry RPC calls (requests to the registry object)",
      quantity: c.registryCalls.toFixed(0),
      dollars: c.registryCalls * PRICES.durableObjectRequest,
    },
    {
      item: "Registry SQLite rows (one per report, estimated)",
      quantity: c.registryCalls.toFixed(0),
      dollars: c.registryCalls * PRICES.sqliteRowWritten,
    },
    {
      item: "Worker request (the upgrade)",
      quantity: String(counts.workerRequests),
      dollars: counts.workerRequests * PRICES.workerRequest,
    },
    {
      item: "SQLite rows written (incl. setAlarm)",
      quantity: rows.toFixed(0),
      dollars: rows * PRICES.sqliteRowWritten,
    },
    {
      item: "SQLite storage (journal, for one hour)",
      quantity: `${(journalGb * 1e3).toFixed(2)} MB for 1 h`,
      dollars: (journalGb * PRICES.sqliteGbMonth) / HOURS_PER_MONTH,
    },
    {
      item: "R2 Class A (puts, lists)",
      quantity: c.r2ClassA.toFixed(0),
      dollars: c.r2ClassA * PRICES.r2ClassA,
    },
    {
      item: "R2 Class B (gets, heads) while streaming",
      quantity: c.r2ClassB.toFixed(0),
      dollars: c.r2ClassB * PRICES.r2ClassB,
    },
    {
      item: "R2 storage of the recording, per month kept",
      quantity: `${(audioGb * 1e3).toFixed(1)} MB-month`,
      dollars: audioGb * PRICES.r2GbMonth,
    },
  ];
}
