import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../../shared/config/config.ts';
import { sendMessages, splitMessages, type Acknowledged } from '../../../shared/hl7/sender.ts';
import { openContext } from '../../../shared/service/context.ts';
import { waitForCatchUp } from '../catch-up.ts';
import { stringOption, type Command } from './command.ts';

export const hl7Command: Command = {
  usage: 'hl7 send FILE... [--host H] [--port P] [--window N] [--quiet] [--wait] [--tls-ca FILE]',
  summary: 'send HL7 v2 messages to the ADT gateway over MLLP and print each ACK',
  help: `Sends the messages of each FILE (one or more messages a file, each beginning with MSH;
segments on separate lines or separated by carriage returns) to the ADT gateway over MLLP, in order,
and prints each ACK (its segments on separate lines). When the connection drops or an ACK is late,
it reconnects and sends again what was not acknowledged, as an interface engine would.
Exits 1 when a message was answered AE or AR.
  --host H, --port P  the gateway (default VBC_MLLP_HOST and VBC_MLLP_PORT: 127.0.0.1:2575)
  --window N          messages sent before waiting for their ACKs (default 1, HL7's usual)
  --quiet             print only the summary
  --wait              then wait until the services processed what was published
  --tls-ca FILE       connect with TLS, trusting this CA (--tls-cert/--tls-key: a client certificate)
  --retry-for S       how long to keep retransmitting before giving up (default 60)`,
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    window: { type: 'string' },
    quiet: { type: 'boolean' },
    wait: { type: 'boolean' },
    'tls-ca': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'retry-for': { type: 'string' },
  },
  positionals: 10_000,
  async run(input) {
    const [action, ...files] = input.positionals;
    if (action !== 'send') throw new Error("say 'send' (vbc hl7 send FILE...)");
    if (files.length === 0) throw new Error('say which files to send');
    for (const f of files) if (!existsSync(f)) throw new Error(`file not found: ${f}`);
    const config = loadConfig();
    const port = Number(stringOption(input, 'port') ?? config.mllp.port ?? 2575);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('--port needs a port number');
    const window = Number(stringOption(input, 'window') ?? 1);
    if (!Number.isInteger(window) || window < 1) throw new Error('--window needs a whole number above 0');
    const retryFor = Number(stringOption(input, 'retry-for') ?? 60);
    if (!(retryFor > 0)) throw new Error('--retry-for needs a number of seconds');
    const ca = stringOption(input, 'tls-ca');
    const cert = stringOption(input, 'tls-cert');
    const key = stringOption(input, 'tls-key');
    if ((cert === undefined) !== (key === undefined)) throw new Error('--tls-cert and --tls-key go together');
    const host = stringOption(input, 'host') ?? config.mllp.host;
    const messages = files.flatMap((f) => splitMessages(readFileSync(f, 'utf8')));
    const counts = new Map<string, number>();
    const quiet = input.values.quiet === true;
    await sendMessages(
      messages,
      {
        host,
        port,
        window,
        retryForMs: retryFor * 1000,
        tls:
          ca || cert
            ? {
                ...(ca ? { ca: readFileSync(ca) } : {}),
                ...(cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : {}),
              }
            : null,
      },
      (a: Acknowledged) => {
        counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
        if (!quiet) process.stdout.write(`${a.ack.replace(/\r/g, '\n')}\n`);
      },
    );
    if (input.values.wait === true) {
      const ctx = await openContext('vbc-hl7');
      try {
        await waitForCatchUp(ctx, 120_000);
      } finally {
        await ctx.close();
      }
    }
    const summary = [...counts].map(([code, n]) => `${n} ${code}`).join(', ');
    console.error(`sent ${messages.length} messages to ${host}:${port}: ${summary || 'none'}`);
    return [...counts.keys()].some((c) => c !== 'AA') ? 1 : 0;
  },
};
