import { DurableObject } from "cloudflare:workers";

/** Acknowledgements go out at most this often, as in the session object. */
const ACK_INTERVAL_MS = 250;

/**
 * The baseline for the benchmark: a Durable Object that accepts a WebSocket
 * through the same Hibernation API as the session object and only counts
 * the bytes it receives. It speaks the part of the session protocol the
 * bench client needs (ready, batched acks, ping, stop), with the same ack
 * batching, so both objects are measured by the same client.
 */
export class BareCounter extends DurableObject {
  private received = 0;
  private lastAckAt = 0;
  private ackedOffset = 0;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;

  override fetch(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json(
        {
          error: {
            code: "upgrade_required",
            message: "this route accepts WebSocket upgrades only",
          },
        },
        { status: 426 },
      );
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(JSON.stringify({ type: "ready", received: this.received }));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (typeof message !== "string") {
      this.received += message.byteLength;
      this.sendAck(Date.now());
      return;
    }
    const control = JSON.parse(message) as { type?: string; id?: unknown };
    if (control.type === "ping") {
      ws.send(JSON.stringify({ type: "pong", id: control.id }));
    } else if (control.type === "stop") {
      ws.send(JSON.stringify({ type: "stopped", received: this.received }));
      ws.close(1000, "stopped");
    }
  }

  override webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  private sendAck(now: number): void {
    if (this.received === this.ackedOffset) return;
    if (now - this.lastAckAt < ACK_INTERVAL_MS) {
      this.scheduleTick();
      return;
    }
    this.lastAckAt = now;
    this.ackedOffset = this.received;
    const ack = JSON.stringify({ type: "ack", received: this.received });
    for (const ws of this.ctx.getWebSockets()) ws.send(ack);
    this.scheduleTick();
  }

  private scheduleTick(): void {
    if (this.tickTimer) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      this.sendAck(Date.now());
    }, ACK_INTERVAL_MS);
  }
}
