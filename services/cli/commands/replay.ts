import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { scenarioLineDeadLetter } from '../../../shared/service/dead-letter.ts';
import { INPUT_TOPICS, type InputTopic } from '../../../shared/kafka/topics.ts';
import { valueSubject } from '../../../shared/registry/schemas.ts';
import { openContext, type Context } from '../../../shared/service/context.ts';
import { waitForCatchUp } from '../catch-up.ts';
import { Progress } from '../progress.ts';
import { publishInOrder, type Outgoing } from '../publish-in-order.ts';
import { publishedNow } from '../../../shared/adapters/input-record.ts';
import { parseScenarioLine } from '../scenario.ts';
import { stringOption, type Command } from './command.ts';

export const replayCommand: Command = {
  usage: 'replay FILE [--rate N] [--progress] [--report FILE] [--timeout SECONDS]',
  summary: 'publish a scenario file and wait until the running services processed it',
  help: `Publishes each line of FILE (contract section 2, NDJSON) to its topic, in file order, keyed so
one beneficiary's records share a partition. Bad lines are reported with their line number and
reason (on stderr, or in the --report file), published to the topic's dead-letter topic, and do not
stop the rest. Returns once the services of 'vbc run all' have processed every record and published
every alert and event.
  --rate N       publish at most N records a second (default: as fast as the broker takes them)
  --progress     show a progress bar on stderr
  --report FILE  write the bad-line reports to FILE instead of stderr
  --timeout S    how long to wait for the services to catch up (default 120)`,
  options: {
    rate: { type: 'string' },
    progress: { type: 'boolean' },
    report: { type: 'string' },
    timeout: { type: 'string' },
  },
  positionals: 1,
  async run(input) {
    const [file] = input.positionals;
    if (!file) throw new Error('say which scenario file to replay');
    if (!existsSync(file)) throw new Error(`file not found: ${file}`);
    const timeoutMs = Number(stringOption(input, 'timeout') ?? 120) * 1000;
    if (!(timeoutMs > 0)) throw new Error('--timeout needs a number of seconds');
    const rate = stringOption(input, 'rate') === undefined ? Infinity : Number(stringOption(input, 'rate'));
    if (!(rate > 0)) throw new Error('--rate needs a number of records a second above 0');
    const reportFile = stringOption(input, 'report');
    const ctx = await openContext('vbc-replay');
    try {
      const { messages, good, reports } = await encodeFile(ctx, file);
      if (reportFile) writeFileSync(reportFile, reports.map((r) => `${r}\n`).join(''));
      else for (const r of reports) console.error(r);
      await publishInOrder(
        ctx,
        messages,
        rate,
        input.values.progress === true ? new Progress(messages.length, 'publishing') : null,
      );
      if (reports.length > 0) await ctx.stores.counts.deadLettered('scenario-lines', reports.length);
      await waitForCatchUp(ctx, timeoutMs);
      console.error(
        `replayed ${good} records from ${file}${reports.length ? `; ${reports.length} bad lines dead-lettered${reportFile ? ` (listed in ${reportFile})` : ''}` : ''}`,
      );
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

/**
 * Every line as a message in file order: good lines to their topic, bad ones to a dead-letter topic.
 * Read line by line: a year of 500,000 beneficiaries is a file longer than one string may be.
 */
async function encodeFile(
  ctx: Context,
  file: string,
): Promise<{ messages: Outgoing[]; good: number; reports: string[] }> {
  const typeOf = (t: InputTopic) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
  // The lines are published now: dates too far past today are typos, as the services would judge them.
  const meta = publishedNow(ctx.config);
  const messages: Outgoing[] = [];
  const reports: string[] = [];
  let good = 0;
  let lineNo = 0;
  for await (const raw of createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    lineNo++;
    if (raw.trim() === '') continue;
    const line = parseScenarioLine(raw, lineNo, typeOf, meta);
    if (line.ok) {
      const topic = ctx.topics.input(line.topic);
      messages.push({ topic, key: line.key, value: ctx.codec.encode(valueSubject(topic), line.record) });
      good++;
      continue;
    }
    reports.push(`${file}:${line.lineNo}: ${line.reason}`);
    // A line of no known topic still goes to a dead-letter topic: the claims one, the busiest.
    const letter = scenarioLineDeadLetter(file, line.lineNo, raw, line.reason, line.code ?? 'SCENARIO_INVALID');
    messages.push({ topic: ctx.topics.deadLetter(line.topic ?? INPUT_TOPICS[0]), ...letter });
  }
  return { messages, good, reports };
}
