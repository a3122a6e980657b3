import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { commitRetry } from '../../shared/service/commit-retry.ts';

type Offsets = { topic: string; partition: number; offset: string }[];

/** A broker's offset commits as a consumer sees them: refused while `away`, answered when `release` is called when held. */
function broker() {
  const state = {
    away: false,
    hold: false,
    commits: [] as Offsets[],
    releases: [] as (() => void)[],
  };
  const consumer = {
    commitOffsets: async (offsets: Offsets) => {
      if (state.away) throw new Error('This is not the correct coordinator for this group');
      if (state.hold) await new Promise<void>((resolve) => state.releases.push(resolve));
      state.commits.push(offsets.map((o) => ({ ...o })));
    },
  };
  return { state, consumer };
}

const log = pino({ level: 'silent' });

describe('offset commits that failed while the broker was away', () => {
  it('are sent again until the broker takes them, then no more', async () => {
    const { state, consumer } = broker();
    const retry = commitRetry(consumer, log, 60_000);
    try {
      retry.recorded('t', 0, '10');
      retry.failed('t', 0);
      state.away = true;
      await retry.flush();
      expect(state.commits).toEqual([]);
      state.away = false;
      await retry.flush();
      expect(state.commits).toEqual([[{ topic: 't', partition: 0, offset: '10' }]]);
      await retry.flush();
      expect(state.commits).toHaveLength(1);
    } finally {
      retry.stop();
    }
  });

  it('send the newest offset, and keep it pending when a newer one came while a commit was in flight', async () => {
    const { state, consumer } = broker();
    const retry = commitRetry(consumer, log, 60_000);
    try {
      retry.recorded('t', 1, '5');
      retry.failed('t', 1);
      retry.recorded('t', 1, '9');
      state.hold = true;
      const sending = retry.flush();
      await new Promise((r) => setTimeout(r, 0));
      // A batch records 12 while 9 is on its way: 9 landing last must not be the end of it.
      retry.recorded('t', 1, '12');
      state.releases.shift()!();
      await sending;
      state.hold = false;
      await retry.flush();
      expect(state.commits.map((c) => c[0]!.offset)).toEqual(['9', '12']);
      await retry.flush();
      expect(state.commits).toHaveLength(2);
    } finally {
      retry.stop();
    }
  });

  it('are done with once a later batch of the partition commits its newest offset', async () => {
    const { state, consumer } = broker();
    const retry = commitRetry(consumer, log, 60_000);
    try {
      retry.recorded('t', 2, '3');
      retry.failed('t', 2);
      retry.recorded('t', 2, '7');
      retry.committed('t', 2, '7');
      await retry.flush();
      expect(state.commits).toEqual([]);
    } finally {
      retry.stop();
    }
  });

  it('are forgotten after a rebalance, and after a rewind of the partition (Redis lost writes)', async () => {
    const { state, consumer } = broker();
    const retry = commitRetry(consumer, log, 60_000);
    try {
      retry.recorded('t', 0, '10');
      retry.failed('t', 0);
      retry.rebalanced();
      await retry.flush();
      retry.recorded('t', 3, '20');
      retry.failed('t', 3);
      retry.recorded('t', 4, '30');
      retry.failed('t', 4);
      retry.forget('t', 3);
      await retry.flush();
      expect(state.commits).toEqual([[{ topic: 't', partition: 4, offset: '30' }]]);
    } finally {
      retry.stop();
    }
  });

  it('go out on their own every interval', async () => {
    const { state, consumer } = broker();
    const retry = commitRetry(consumer, log, 20);
    try {
      retry.recorded('t', 0, '4');
      retry.failed('t', 0);
      await new Promise((r) => setTimeout(r, 100));
      expect(state.commits).toEqual([[{ topic: 't', partition: 0, offset: '4' }]]);
    } finally {
      retry.stop();
    }
  });
});
