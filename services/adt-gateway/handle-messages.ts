import { mapAdt, SOURCE_FIELD, triggerEvent, type AdtTopic } from '../../shared/adapters/hl7-adt.ts';
import type { CheckedRecord } from '../../shared/adapters/input-record.ts';
import type { TopicMessage } from '../../shared/kafka/batch-sender.ts';
import { buildAck, type AckCode, type AckError } from '../../shared/hl7/ack.ts';
import { fieldValue, parseMessage, rawField, segment, type Hl7Message } from '../../shared/hl7/message.ts';
import type { Frame } from '../../shared/hl7/mllp.ts';
import { hl7DeadLetter } from '../../shared/service/dead-letter.ts';
import type { AckLedger, MessageId } from './ack-ledger.ts';

/** A Kafka message to publish. */
export type Outgoing = TopicMessage & { headers: Record<string, string> };

/** What the handling of messages needs from the outside. */
export interface HandlerDeps {
  ledger: AckLedger;
  /** Publishes and resolves once every in-sync replica has the messages. */
  publish(messages: Outgoing[]): Promise<void>;
  /** A record checked against the contract rules and its topic's schema. */
  check(topic: AdtTopic, value: Record<string, unknown>): CheckedRecord;
  encode(topic: AdtTopic, record: Record<string, unknown>): Buffer;
  physicalTopic(topic: AdtTopic): string;
  deadLetterTopic: string;
  /** MSH-4 first components taken; null: all. */
  allowedFacilities: ReadonlySet<string> | null;
  maxMessageBytes: number;
  nextAckControlId(): string;
  now(): Date;
}

/** How one message was answered: for the ACK, metrics and a log line without PHI. */
export interface Outcome {
  controlId: string;
  event: string;
  code: AckCode;
  /** Answered from the ledger: a retransmission. */
  repeated: boolean;
  /** Records published for it. */
  published: number;
  error?: AckError;
  ack: string;
}

interface Pending {
  raw: Buffer;
  message: Hl7Message | null;
  id: MessageId | null;
  event: string;
  code: AckCode;
  error?: AckError;
  records: Outgoing[];
}

/**
 * Answers the messages of one connection, in order, in one pass: every message mapped, the ledger
 * asked once for the ones seen before, the new records and dead letters published in one request,
 * the codes remembered, and then the ACKs made. AA is given only after the records are on Kafka; a
 * publish that fails throws, and no ACK is sent for any message of the batch (the sender
 * retransmits them).
 */
export async function handleFrames(frames: Frame[], deps: HandlerDeps): Promise<Outcome[]> {
  const pending = frames.map((f) => judge(f, deps));
  const known = pending.map((p) => p.id);
  const remembered = await deps.ledger.recall(known.filter((id): id is MessageId => id !== null));
  const recalled = new Map<string, AckCode>();
  let r = 0;
  for (const id of known)
    if (id !== null) {
      const code = remembered[r++];
      if (code) recalled.set(idKey(id), code);
    }

  const out: Outgoing[] = [];
  const firstTime: { id: MessageId; code: AckCode }[] = [];
  const repeated = pending.map((p) => {
    if (p.id === null) return false;
    const k = idKey(p.id);
    const before = recalled.get(k);
    if (before !== undefined) {
      p.code = before;
      return true;
    }
    // The first of this id in the batch decides; a copy later in the same batch is a retransmission.
    recalled.set(k, p.code);
    firstTime.push({ id: p.id, code: p.code });
    return false;
  });
  pending.forEach((p, i) => {
    if (repeated[i]) return;
    if (p.code === 'AA') out.push(...p.records);
    else
      out.push({
        topic: deps.deadLetterTopic,
        ...hl7DeadLetter(p.raw, p.id?.sendingFacility ?? '', p.id?.controlId ?? '', p.code, p.error?.text ?? ''),
      });
  });
  if (out.length > 0) await deps.publish(out);
  await deps.ledger.remember(firstTime);

  const at = deps.now();
  return pending.map((p, i) => ({
    controlId: p.id?.controlId ?? '',
    event: p.event,
    code: p.code,
    repeated: repeated[i]!,
    published: repeated[i] || p.code !== 'AA' ? 0 : p.records.length,
    ...(p.code === 'AA' || !p.error ? {} : { error: p.error }),
    ack: buildAck({
      message: p.message,
      controlId: p.id?.controlId ?? '',
      code: p.code,
      ...(p.error ? { error: p.error } : {}),
      ackControlId: deps.nextAckControlId(),
      at,
    }),
  }));
}

const idKey = (id: MessageId) => `${id.sendingFacility.length}:${id.sendingFacility}|${id.controlId}`;

/** One message judged on its own: its id, the code it deserves and the records it publishes. */
function judge(frame: Frame, deps: HandlerDeps): Pending {
  const text = decodeText(frame.body);
  const parsed = parseMessage(text);
  const message = parsed.ok ? parsed.message : null;
  const msh = message ? segment(message, 'MSH') : undefined;
  const controlId = message ? rawField(msh, 10) : '';
  const sendingFacility = message ? rawField(msh, 4) : '';
  const id = controlId === '' ? null : { sendingFacility, controlId };
  const event = message ? triggerEvent(message) : '';
  const base = { raw: frame.body, message, id, event, records: [] as Outgoing[] };
  const reject = (error: AckError): Pending => ({ ...base, code: 'AR', error });

  if (frame.oversized)
    return reject({
      condition: 207,
      text: `message of ${frame.size} bytes is larger than the ${deps.maxMessageBytes} bytes allowed`,
    });
  if (!parsed.ok) return reject({ condition: 102, text: `not an HL7 v2 message: ${parsed.reason}` });
  if (controlId === '')
    return reject({ segment: 'MSH', field: 10, condition: 101, text: 'no message control id (MSH-10)' });
  const facility = fieldValue(message!, msh, 4);
  if (deps.allowedFacilities && !deps.allowedFacilities.has(facility))
    return reject({
      segment: 'MSH',
      field: 4,
      condition: 207,
      text: `sending facility '${facility}' is not allowed to send to this gateway`,
    });

  const mapped = mapAdt(message!);
  switch (mapped.kind) {
    case 'rejected':
      return reject(mapped.error);
    case 'error':
      return { ...base, code: 'AE', error: mapped.error };
    case 'ignored':
      return { ...base, code: 'AA' };
  }
  const records: Outgoing[] = [];
  for (const { topic, value } of mapped.records) {
    const checked = deps.check(topic, value);
    if (!checked.ok) return { ...base, code: 'AE', error: refusal(checked.reason) };
    records.push({
      topic: deps.physicalTopic(topic),
      key: checked.key,
      value: deps.encode(topic, checked.record),
      headers: { 'hl7-sending-facility': sendingFacility, 'hl7-control-id': controlId, 'hl7-event': event },
    });
  }
  return { ...base, code: 'AA', records };
}

/** A record the contract rules refuse, as an ERR naming the HL7 field it came from. */
function refusal(reason: string): AckError {
  const field = Object.keys(SOURCE_FIELD).find((name) => new RegExp(`\\b${name}\\b`).test(reason));
  const source = field ? SOURCE_FIELD[field]! : undefined;
  return {
    ...(source ? { segment: source.segment, field: source.field } : {}),
    condition: source ? 102 : 207,
    text: source ? `${source.segment}-${source.field}: ${reason}` : reason,
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 when the bytes are, else ISO 8859-1 (what older interface engines send). */
function decodeText(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    return body.toString('latin1');
  }
}
