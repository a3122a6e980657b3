import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer } from 'node:tls';
import type { MllpConfig } from '../../shared/config/mllp.ts';
import { MllpDecoder, frame, type Frame } from '../../shared/hl7/mllp.ts';

/** What a connection's frames are handed to: resolves with one ACK per frame, in order. */
export type FrameHandler = (frames: Frame[], connection: ConnectionInfo) => Promise<string[]>;

export interface ConnectionInfo {
  id: number;
  remote: string;
}

export interface ConnectionEvents {
  opened(c: ConnectionInfo): void;
  closed(c: ConnectionInfo, strayBytes: number): void;
  /** The handler failed (Kafka or Redis away): the connection is closed unanswered, so the sender retransmits. */
  failed(c: ConnectionInfo, error: Error): void;
}

export interface Listener {
  host: string;
  port: number;
  connections(): number;
  /** Stops taking connections, lets every connection finish the batch under way, then closes them. */
  close(budgetMs: number): Promise<void>;
}

/** Frames taken from one connection at most per batch; more wait for the next. */
const BATCH_FRAMES = 500;
/** Frames buffered for one connection before it is paused (a sender not waiting for its ACKs). */
const PAUSE_AT = 5_000;

/**
 * The MLLP listener: TCP, or TLS when configured (client certificates required when a client CA is
 * given). Each connection's messages are handled in order: the frames that arrived while the
 * previous batch was being handled form the next batch, and its ACKs are written in order.
 * Connections are handled side by side.
 */
export async function listen(config: MllpConfig, handle: FrameHandler, events: ConnectionEvents): Promise<Listener> {
  const sockets = new Set<Socket>();
  const busy = new Set<Promise<void>>();
  let nextId = 1;
  let closing = false;

  const onConnection = (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const info: ConnectionInfo = { id: nextId++, remote: `${socket.remoteAddress}:${socket.remotePort}` };
    sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new MllpDecoder(config.maxMessageBytes);
    const queue: Frame[] = [];
    let working = false;
    events.opened(info);

    const work = async () => {
      working = true;
      try {
        while (queue.length > 0 && !socket.destroyed) {
          const batch = queue.splice(0, BATCH_FRAMES);
          if (socket.isPaused() && queue.length < PAUSE_AT / 2) socket.resume();
          const acks = await handle(batch, info);
          if (socket.destroyed) return;
          socket.write(Buffer.concat(acks.map((a) => frame(a))));
        }
      } catch (error) {
        events.failed(info, error as Error);
        socket.destroy();
      } finally {
        working = false;
      }
    };
    const start = () => {
      if (working || queue.length === 0) return;
      const run = work();
      busy.add(run);
      void run.finally(() => {
        busy.delete(run);
        // Frames that arrived after the last check of the loop.
        if (!closing) start();
      });
    };

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      queue.push(...decoder.push(chunk));
      if (queue.length >= PAUSE_AT) socket.pause();
      start();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      events.closed(info, decoder.strayBytes);
    });
  };

  const server: Server = config.tls
    ? createTlsServer(
        {
          cert: readFileSync(config.tls.certFile),
          key: readFileSync(config.tls.keyFile),
          ...(config.tls.clientCaFile
            ? { ca: readFileSync(config.tls.clientCaFile), requestCert: true, rejectUnauthorized: true }
            : {}),
        },
        onConnection,
      )
    : createTcpServer(onConnection);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (config.port ?? 0);

  return {
    host: config.host,
    port,
    connections: () => sockets.size,
    async close(budgetMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, budgetMs).unref());
      await Promise.race([Promise.all([...busy]), deadline]);
      for (const s of sockets) s.end();
      await Promise.race([closed, deadline]);
      for (const s of sockets) s.destroy();
    },
  };
}
