import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { MllpDecoder, frame } from './mllp.ts';
import { fieldValue, parseMessage, rawField, segment } from './message.ts';

export interface SenderOptions {
  host: string;
  port: number;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string } | null;
  /** Messages sent before waiting for their ACKs (1: HL7's usual one at a time). */
  window?: number;
  /** A message unanswered this long is sent again on a new connection. */
  ackTimeoutMs?: number;
  /** How long to keep reconnecting and retransmitting before giving up. */
  retryForMs?: number;
}

export interface Acknowledged {
  index: number;
  controlId: string;
  code: string;
  ack: string;
  /** ERR-8 (or MSA-3) text, when the ACK has one. */
  text: string;
}

/**
 * Splits the text of a file into messages: each begins with an MSH segment; segments may be on
 * separate lines or separated by carriage returns. Returned with CR segment separators.
 */
export function splitMessages(text: string): string[] {
  const segments = text.split(/\r\n|\r|\n/).filter((s) => s.trim() !== '');
  const messages: string[][] = [];
  for (const s of segments) {
    if (s.startsWith('MSH') || messages.length === 0) messages.push([s]);
    else messages[messages.length - 1]!.push(s);
  }
  return messages.map((m) => `${m.join('\r')}\r`);
}

/** The ACK's code (MSA-1), the control id it answers (MSA-2) and its text, or null when it is not an ACK. */
export function readAck(text: string): { code: string; controlId: string; text: string } | null {
  const parsed = parseMessage(text);
  if (!parsed.ok) return null;
  const m = parsed.message;
  const msa = segment(m, 'MSA');
  if (!msa) return null;
  return {
    code: fieldValue(m, msa, 1),
    controlId: rawField(msa, 2),
    text: fieldValue(m, segment(m, 'ERR'), 8) || fieldValue(m, msa, 3),
  };
}

/**
 * Sends messages over MLLP in order and collects their ACKs, as an interface engine does: up to
 * `window` messages unanswered at once; when the connection drops or an ACK is late, it reconnects
 * and sends again every message not yet acknowledged (the receiver answers a retransmission with
 * the same code and publishes nothing new).
 */
export async function sendMessages(
  messages: string[],
  options: SenderOptions,
  onAck: (a: Acknowledged) => void = () => undefined,
): Promise<void> {
  const window = Math.max(1, options.window ?? 1);
  const ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  const giveUpAt = Date.now() + (options.retryForMs ?? 60_000);
  const controlIds = messages.map((m) => {
    const parsed = parseMessage(m);
    return parsed.ok ? rawField(segment(parsed.message, 'MSH'), 10) : '';
  });
  let acked = 0;
  let lastError: Error | null = null;
  while (acked < messages.length) {
    if (Date.now() > giveUpAt)
      throw new Error(
        `gave up after ${acked} of ${messages.length} messages acknowledged: ${lastError?.message ?? 'no answer'}`,
      );
    try {
      acked = await session(messages, controlIds, acked, window, ackTimeoutMs, options, onAck);
    } catch (error) {
      lastError = error as Error;
      if ((error as { progress?: number }).progress !== undefined) acked = (error as { progress: number }).progress;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** One connection: sends from `from`, resolves with the count acknowledged when all are; rejects (with progress) when the connection fails. */
function session(
  messages: string[],
  controlIds: string[],
  from: number,
  window: number,
  ackTimeoutMs: number,
  options: SenderOptions,
  onAck: (a: Acknowledged) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let next = from;
    let acked = from;
    let timer: NodeJS.Timeout | undefined;
    const decoder = new MllpDecoder(64 * 1024 * 1024);
    const socket: Socket = options.tls
      ? tlsConnect({ host: options.host, port: options.port, ...options.tls }, () => pump())
      : tcpConnect({ host: options.host, port: options.port }, () => pump());
    socket.setNoDelay(true);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(Object.assign(error, { progress: acked }));
    };
    const arm = () => {
      clearTimeout(timer);
      if (acked < next) timer = setTimeout(() => fail(new Error(`no ACK within ${ackTimeoutMs} ms`)), ackTimeoutMs);
    };
    const pump = () => {
      const out: Buffer[] = [];
      while (next < messages.length && next - acked < window) out.push(frame(Buffer.from(messages[next++]!, 'utf8')));
      if (out.length) socket.write(Buffer.concat(out));
      arm();
    };
    socket.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        const text = f.body.toString('latin1');
        const ack = readAck(text);
        if (!ack) return fail(new Error('the receiver answered with something that is not an HL7 ACK'));
        if (ack.controlId !== controlIds[acked])
          return fail(new Error(`ACK for '${ack.controlId}' while waiting for '${controlIds[acked]}'`));
        onAck({ index: acked, controlId: ack.controlId, code: ack.code, ack: text, text: ack.text });
        acked++;
      }
      if (acked === messages.length) {
        clearTimeout(timer);
        socket.end();
        resolve(acked);
      } else pump();
    });
    socket.on('error', (error) => fail(error));
    socket.on('close', () => {
      if (acked < messages.length) fail(new Error('the receiver closed the connection'));
    });
  });
}
