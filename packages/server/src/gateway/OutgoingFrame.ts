import type { ServerFrame } from '@parley/protocol';

/**
 * A server frame on its way to one or many connections, serialised at most once per form: the
 * JSON text (SSE), and the whole WebSocket frame, header and all, so a group's fan-out is one
 * plain socket write per member instead of a UTF-8 encoding and a framed, corked write each.
 */
export class OutgoingFrame {
  private text?: string;
  private wsBytes?: Buffer;

  constructor(readonly frame: ServerFrame) {}

  get json(): string {
    return (this.text ??= JSON.stringify(this.frame));
  }

  get webSocketBytes(): Buffer {
    return (this.wsBytes ??= webSocketTextFrame(Buffer.from(this.json)));
  }
}

/**
 * RFC 6455 §5.2: one final, unmasked (server to client) text frame. The length is 7 bits, or 126
 * and 16 bits, or 127 and 64 bits (of which a Buffer never needs the high 32).
 */
export function webSocketTextFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + n);
  out[0] = 0x81; // FIN, opcode 1 (text)
  if (header === 2) out[1] = n;
  else if (header === 4) (out[1] = 126, out.writeUInt16BE(n, 2));
  else (out[1] = 127, out.writeUInt32BE(Math.floor(n / 2 ** 32), 2), out.writeUInt32BE(n >>> 0, 6));
  payload.copy(out, header);
  return out;
}
