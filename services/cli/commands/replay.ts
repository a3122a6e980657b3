import { existsSync, readFileSync } from 'node:fs';
import { INPUT_TOPICS, type InputTopic } from '../../../shared/kafka/topics.ts';
import { valueSubject } from '../../../shared/registry/schemas.ts';
import { openContext } from '../../../shared/service/context.ts';
import { waitForCatchUp } from '../catch-up.ts';
import { parseScenarioLine } from '../scenario.ts';
import { option, type Command } from './command.ts';

export const replayCommand: Command = {
  usage: 'replay FILE [--timeout SECONDS]',
  summary: 'publish a scenario file and wait until the running services processed it',
  help: `Publishes each line of FILE (contract section 2, NDJSON) to its topic, in file order, keyed so
one beneficiary's records share a partition. Bad lines are reported with their line number and
reason on stderr, published to the topic's dead-letter topic, and do not stop the rest. Returns once
the services of 'vbc run all' have processed every record and published every alert and event.`,
  async run(args) {
    const file = args.find((a) => !a.startsWith('--') && a !== option(args, 'timeout'));
    if (!file) throw new Error('say which scenario file to replay');
    if (!existsSync(file)) throw new Error(`file not found: ${file}`);
    const timeoutMs = Number(option(args, 'timeout') ?? 120) * 1000;
    const ctx = await openContext('vbc-replay');
    try {
      const typeOf = (t: InputTopic) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
      const lines = readFileSync(file, 'utf8').split('\n');
      const byTopic = new Map<string, { key: string; value: Buffer; headers?: Record<string, string> }[]>();
      const push = (topic: string, m: { key: string; value: Buffer; headers?: Record<string, string> }) => {
        const list = byTopic.get(topic) ?? [];
        list.push(m);
        byTopic.set(topic, list);
      };
      let good = 0;
      let bad = 0;
      lines.forEach((raw, i) => {
        if (raw.trim() === '') return;
        const line = parseScenarioLine(raw, i + 1, typeOf);
        if (line.ok) {
          push(ctx.topics.input(line.topic), { key: line.key, value: ctx.codec.encode(valueSubject(ctx.topics.input(line.topic)), line.record) });
          good++;
        } else {
          bad++;
          console.error(`${file}:${line.lineNo}: ${line.reason}`);
          // A line of no known topic still goes to a dead-letter topic: the claims one, the busiest.
          const topic = line.topic ?? INPUT_TOPICS[0];
          push(ctx.topics.deadLetter(topic), {
            key: `${file}:${line.lineNo}`, value: Buffer.from(raw),
            headers: { 'vbc-reason': line.reason, 'vbc-error-code': 'SCENARIO_INVALID', 'vbc-source-file': file, 'vbc-source-line': String(line.lineNo) },
          });
        }
      });
      // File order is kept within each topic; across topics the services must not depend on it.
      for (const [topic, messages] of byTopic) {
        for (let i = 0; i < messages.length; i += 1000) {
          await ctx.producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
        }
      }
      if (bad > 0) await ctx.redis.hincrby(ctx.store.keys.deadLettered, 'scenario-lines', bad);
      await waitForCatchUp(ctx, timeoutMs);
      console.error(`replayed ${good} records from ${file}${bad ? `; ${bad} bad lines dead-lettered` : ''}`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
