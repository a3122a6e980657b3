/**
 * MLLP framing (HL7 v2 over TCP): each message is sent as 0x0B, the message, 0x1C 0x0D. Small
 * enough to own; both the gateway and the sender use it.
 */
export const START_BLOCK = 0x0b;
export const END_BLOCK = 0x1c;
export const CARRIAGE_RETURN = 0x0d;

export function frame(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'latin1') : message;
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = START_BLOCK;
  body.copy(out, 1);
  out[body.length + 1] = END_BLOCK;
  out[body.length + 2] = CARRIAGE_RETURN;
  return out;
}

/** A frame read off the wire: its bytes, or (when it was larger than allowed) its first bytes and its size. */
export type Frame = { body: Buffer; oversized: false } | { body: Buffer; oversized: true; size: number };

/**
 * Turns the bytes of a connection into frames. Bytes outside a frame (line noise, a sender's stray
 * newline) are skipped and counted. A frame longer than `maxBytes` is not buffered: its first
 * `keepBytes` are kept (enough for the MSH, so it can still be acknowledged) and the rest skipped
 * to its end.
 */
export class MllpDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private state: 'outside' | 'inside' | 'after-end' = 'outside';
  /** Bytes seen outside any frame. */
  strayBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly keepBytes = 4096,
  ) {}

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'outside') {
        const start = chunk.indexOf(START_BLOCK, i);
        this.strayBytes += (start < 0 ? chunk.length : start) - i;
        if (start < 0) break;
        this.state = 'inside';
        i = start + 1;
      } else if (this.state === 'inside') {
        const end = chunk.indexOf(END_BLOCK, i);
        this.take(chunk.subarray(i, end < 0 ? chunk.length : end));
        if (end < 0) break;
        this.state = 'after-end';
        i = end + 1;
      } else {
        // 0x1C is followed by 0x0D; a sender that leaves the 0x0D out still ends its frame.
        if (chunk[i] === CARRIAGE_RETURN) i++;
        frames.push(this.finish());
      }
    }
    return frames;
  }

  private take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // Past the limit only the head is kept (the rest of the frame is skipped as it arrives).
    if (this.size + bytes.length <= this.maxBytes) this.parts.push(Buffer.from(bytes));
    else if (this.size < this.keepBytes) this.parts.push(Buffer.from(bytes.subarray(0, this.keepBytes - this.size)));
    this.size += bytes.length;
  }

  private finish(): Frame {
    const body = Buffer.concat(this.parts);
    const size = this.size;
    this.parts = [];
    this.size = 0;
    this.state = 'outside';
    return size > this.maxBytes
      ? { body: body.subarray(0, this.keepBytes), oversized: true, size }
      : { body, oversized: false };
  }
}
