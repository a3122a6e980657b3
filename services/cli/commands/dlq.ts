import { isInputTopic, type InputTopic } from '../../../shared/kafka/topics.ts';
import { BatchSender } from '../../../shared/kafka/batch-sender.ts';
import { readTopic, type TopicRecord } from '../../../shared/kafka/read-topic.ts';
import { readDeadLetter } from '../../../shared/service/dead-letter.ts';
import { valueSubject } from '../../../shared/registry/schemas.ts';
import { openContext, type Context } from '../../../shared/service/context.ts';
import { publishedNow } from '../../../shared/adapters/input-record.ts';
import { parseScenarioLine } from '../scenario.ts';
import type { Command } from './command.ts';

const where = (m: TopicRecord) => {
  const { source } = readDeadLetter(m);
  if ('controlId' in source) return `${source.sendingFacility.split('^')[0]} ${source.controlId}`;
  return 'file' in source ? `${source.file}:${source.line}` : `${source.topic}[${source.partition}]@${source.offset}`;
};
const HL7 = 'adt-hl7';

export const dlqCommand: Command = {
  usage: 'dlq list|replay TOPIC [--values]',
  summary: "inspect a topic's dead-lettered records, or re-publish them after a fix",
  help: `TOPIC is a contract topic name (claims, admissions, discharges, attribution, aco-contracts,
episode-prices); its dead-letter topic is <prefix>TOPIC.dlq. 'adt-hl7' lists the HL7 messages the
ADT gateway answered AE or AR (by sending facility and control id); they are fixed and sent again by
the hospital, not replayed from here.
  list     one line per dead-lettered record: its offset, error code, reason and where it came from
           (source topic, partition and offset, or scenario file and line); then counts by code.
           --values also prints each record's content (PHI: for authorised operators only).
  replay   re-publishes the records not replayed before, in order: Avro records to their source topic
           as they are (the service checks them again and dead-letters them again if still bad),
           scenario lines parsed again and published when now valid. Remembers how far it got.`,
  options: { values: { type: 'boolean' } },
  positionals: 2,
  async run(input) {
    const [action, topic] = input.positionals;
    if (action !== 'list' && action !== 'replay') throw new Error("say 'list' or 'replay' (vbc dlq list|replay TOPIC)");
    if (!topic || (!isInputTopic(topic) && !(topic === HL7 && action === 'list')))
      throw new Error(
        `say which topic: one of claims, admissions, discharges, attribution, aco-contracts, episode-prices${action === 'list' ? ', adt-hl7' : ''}`,
      );
    const ctx = await openContext('vbc-dlq');
    try {
      if (action === 'list') return await list(ctx, topic, input.values.values === true);
      return await replay(ctx, topic as InputTopic);
    } finally {
      await ctx.close();
    }
  },
};

async function list(ctx: Context, topic: InputTopic | typeof HL7, values: boolean): Promise<number> {
  const dlq = topic === HL7 ? ctx.topics.adtHl7DeadLetter : ctx.topics.deadLetter(topic);
  const records = await readTopic(ctx.kafka, ctx.admin, dlq);
  const byCode = new Map<string, number>();
  await ctx.codec.prepare(records.map((m) => m.value));
  for (const m of records) {
    const { code, reason } = readDeadLetter(m);
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    console.log(`${m.offset.padStart(6)}  ${code.padEnd(18)} ${where(m).padEnd(28)} ${reason}`);
    if (values) console.log(`        ${render(ctx, m)}`);
  }
  console.log(
    `${records.length} dead-lettered records on ${dlq}${records.length ? `: ${[...byCode].map(([c, n]) => `${n} ${c}`).join(', ')}` : ''}`,
  );
  return 0;
}

function render(ctx: Context, m: TopicRecord): string {
  try {
    return JSON.stringify(ctx.codec.decode(m.value));
  } catch {
    return m.value?.toString('utf8') ?? '';
  }
}

async function replay(ctx: Context, topic: InputTopic): Promise<number> {
  const dlq = ctx.topics.deadLetter(topic);
  const groupId = `${ctx.config.groupPrefix}dlq-replay-${topic}`;
  const done = new Map(
    ((await ctx.admin.fetchOffsets({ groupId, topics: [dlq] }))[0]?.partitions ?? []).map((p) => [
      p.partition,
      Number(p.offset),
    ]),
  );
  const records = (await readTopic(ctx.kafka, ctx.admin, dlq)).filter(
    (m) => Number(m.offset) >= (done.get(m.partition) ?? 0),
  );
  const typeOf = (t: InputTopic) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
  const out = new BatchSender(ctx.producer);
  let stillBad = 0;
  // Lines are judged as `vbc replay` judges them: published now.
  const meta = publishedNow(ctx.config);
  for (const m of records) {
    const { source } = readDeadLetter(m);
    // A scenario line (from vbc replay) is parsed again; a consumed record goes back as it was.
    if ('file' in source) {
      const line = parseScenarioLine(m.value?.toString('utf8') ?? '', source.line, typeOf, meta);
      if (!line.ok) {
        console.error(`${where(m)}: still bad: ${line.reason}`);
        stillBad++;
        continue;
      }
      const target = ctx.topics.input(line.topic);
      await out.add(target, { key: line.key, value: ctx.codec.encode(valueSubject(target), line.record) });
    } else if ('topic' in source) {
      await out.add(source.topic || ctx.topics.input(topic), { key: m.key, value: m.value });
    }
  }
  const republished = await out.flush();
  // Remember how far we got (records dead-lettered meanwhile stay for the next replay).
  const next = new Map<number, number>();
  for (const m of records) next.set(m.partition, Math.max(next.get(m.partition) ?? 0, Number(m.offset) + 1));
  if (next.size > 0)
    await ctx.admin.setOffsets({
      groupId,
      topic: dlq,
      partitions: [...next].map(([partition, offset]) => ({ partition, offset: String(offset) })),
    });
  console.error(
    `dlq replay ${topic}: ${republished} records re-published${stillBad ? `, ${stillBad} scenario lines still bad (left on ${dlq})` : ''}`,
  );
  return 0;
}
