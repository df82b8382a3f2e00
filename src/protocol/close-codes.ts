/**
 * WebSocket close codes the service sends (RFC 6455 section 7.4.1). Codes
 * 1005, 1006 and 1015 are reserved for reporting and are never sent.
 */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Close reasons are limited to 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

/** Truncates a close reason to the protocol's limit. */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= MAX_REASON_BYTES) return text;
  let cut = MAX_REASON_BYTES;
  // Step back over UTF-8 continuation bytes so no character is split.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return new TextDecoder().decode(bytes.subarray(0, cut));
}

/** Maps a code a peer reported to one the service may send back. */
export function sendableCloseCode(code: number | undefined): number {
  if (code === undefined || code === 1005 || code === 1006 || code === 1015) {
    return CloseCode.normal;
  }
  if (
    code === 1000 ||
    (code >= 1001 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  ) {
    return code;
  }
  return CloseCode.normal;
}
