import type { KafkaMessage } from 'kafkajs';

/** A record that could not be used, with where it came from and why. */
export interface DeadLetter {
  message: Pick<KafkaMessage, 'key' | 'value' | 'offset'>;
  partition: number;
  sourceTopic: string;
  code: string;
  reason: string;
}

/**
 * The dead-letter message: the original bytes untouched (so it can be re-published after a fix),
 * the reason and source position in headers.
 */
export function deadLetterMessage(d: DeadLetter) {
  return {
    key: d.message.key,
    value: d.message.value,
    headers: {
      'vbc-reason': d.reason,
      'vbc-error-code': d.code,
      'vbc-source-topic': d.sourceTopic,
      'vbc-source-partition': String(d.partition),
      'vbc-source-offset': d.message.offset,
    },
  };
}
