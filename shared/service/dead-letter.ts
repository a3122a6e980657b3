import type { KafkaMessage } from 'kafkajs';
import type { ErrorCode } from '../errors/app-error.ts';

/** Why a record was dead-lettered: the error codes a dead-letter topic can carry, and no others. */
export type DeadLetterCode = Extract<
  ErrorCode,
  | 'RECORD_UNDECODABLE'
  | 'SCHEMA_UNKNOWN'
  | 'RECORD_INVALID'
  | 'DATE_IMPLAUSIBLE'
  | 'PERIOD_CLOSED'
  | 'SCENARIO_INVALID'
  | 'HL7_REJECTED'
  | 'HL7_UNMAPPABLE'
>;

/** The headers of every dead-lettered record, written and read only through this module. */
export const DLQ_HEADERS = {
  reason: 'vbc-reason',
  code: 'vbc-error-code',
  sourceTopic: 'vbc-source-topic',
  sourcePartition: 'vbc-source-partition',
  sourceOffset: 'vbc-source-offset',
  sourceFile: 'vbc-source-file',
  sourceLine: 'vbc-source-line',
  /** HL7 messages: MSH-4 (all components), MSH-10 and the acknowledgement code sent back. */
  hl7SendingFacility: 'vbc-hl7-sending-facility',
  hl7ControlId: 'vbc-hl7-control-id',
  hl7Ack: 'vbc-hl7-ack',
} as const;

/** A record that could not be used, with where it came from and why. */
export interface DeadLetter {
  message: Pick<KafkaMessage, 'key' | 'value' | 'offset'>;
  partition: number;
  sourceTopic: string;
  code: DeadLetterCode;
  reason: string;
}

/**
 * The dead-letter message of a consumed record: the original bytes untouched (so it can be
 * re-published after a fix), the reason and source position in headers.
 */
export function deadLetterMessage(d: DeadLetter) {
  return {
    key: d.message.key,
    value: d.message.value,
    headers: {
      [DLQ_HEADERS.reason]: d.reason,
      [DLQ_HEADERS.code]: d.code,
      [DLQ_HEADERS.sourceTopic]: d.sourceTopic,
      [DLQ_HEADERS.sourcePartition]: String(d.partition),
      [DLQ_HEADERS.sourceOffset]: d.message.offset,
    },
  };
}

/** The dead-letter message of a scenario line `vbc replay` could not publish: the line as text, its file and number. */
export function scenarioLineDeadLetter(
  file: string,
  lineNo: number,
  raw: string,
  reason: string,
  code: DeadLetterCode,
) {
  return {
    key: `${file}:${lineNo}`,
    value: Buffer.from(raw),
    headers: {
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.code]: code,
      [DLQ_HEADERS.sourceFile]: file,
      [DLQ_HEADERS.sourceLine]: String(lineNo),
    },
  };
}

/**
 * The dead-letter message of an HL7 message the gateway did not acknowledge AA: the message as it
 * arrived, why, and who sent it (the sending facility and control id identify it; no PHI in headers).
 */
export function hl7DeadLetter(
  raw: Buffer,
  sendingFacility: string,
  controlId: string,
  ack: 'AE' | 'AR',
  reason: string,
) {
  return {
    key: `${sendingFacility}|${controlId}`,
    value: raw,
    headers: {
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.code]: ack === 'AE' ? 'HL7_UNMAPPABLE' : 'HL7_REJECTED',
      [DLQ_HEADERS.hl7SendingFacility]: sendingFacility,
      [DLQ_HEADERS.hl7ControlId]: controlId,
      [DLQ_HEADERS.hl7Ack]: ack,
    },
  };
}

/** What a dead-lettered record says of itself: its code, reason, and where it came from. */
export interface DeadLetterInfo {
  code: string;
  reason: string;
  /** A consumed record's position, a scenario line's, or an HL7 message's sender and control id. */
  source:
    | { topic: string; partition: number; offset: string }
    | { file: string; line: number }
    | { sendingFacility: string; controlId: string };
}

export function readDeadLetter(m: Pick<KafkaMessage, 'headers'>): DeadLetterInfo {
  const h = (name: string) => m.headers?.[name]?.toString();
  const file = h(DLQ_HEADERS.sourceFile);
  const controlId = h(DLQ_HEADERS.hl7ControlId);
  return {
    code: h(DLQ_HEADERS.code) ?? 'UNKNOWN',
    reason: h(DLQ_HEADERS.reason) ?? '',
    source:
      controlId !== undefined
        ? { sendingFacility: h(DLQ_HEADERS.hl7SendingFacility) ?? '', controlId }
        : file !== undefined
          ? { file, line: Number(h(DLQ_HEADERS.sourceLine) ?? 0) }
          : {
              topic: h(DLQ_HEADERS.sourceTopic) ?? '',
              partition: Number(h(DLQ_HEADERS.sourcePartition) ?? -1),
              offset: h(DLQ_HEADERS.sourceOffset) ?? '',
            },
  };
}
