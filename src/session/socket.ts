import { closeReason, type CloseCodeValue } from "../protocol/close-codes.ts";
import type { ErrorCode, ServerMessage } from "../protocol/messages.ts";

/** Sends one JSON message; a socket that already closed is skipped. */
export function send(ws: WebSocket, message: ServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // The peer went away; its close event does the clean-up.
  }
}

/** Sends an error message, then closes with `code`. */
export function sendErrorAndClose(
  ws: WebSocket,
  code: CloseCodeValue,
  error: ErrorCode,
  message: string,
): void {
  send(ws, { type: "error", code: error, message });
  closeSocket(ws, code, message);
}

/** Closes a socket, ignoring one that is already closed. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, closeReason(reason));
  } catch {
    // Already closed or closing.
  }
}

/** Reads a binary frame, which may arrive as ArrayBuffer, a view or Blob. */
export async function frameBytes(
  message: ArrayBuffer | ArrayBufferView | Blob,
): Promise<Uint8Array> {
  if (message instanceof ArrayBuffer) return new Uint8Array(message);
  if (ArrayBuffer.isView(message)) {
    return new Uint8Array(
      message.buffer,
      message.byteOffset,
      message.byteLength,
    );
  }
  return new Uint8Array(await message.arrayBuffer());
}
