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

/** A retrier over a broker of its own, stopped after `body`. */
async function withRetry(
  everyMs: number,
  body: (retry: ReturnType<typeof commitRetry>, state: ReturnType<typeof broker>['state']) => Promise<void>,
) {
  const { state, consumer } = broker();
  const retry = commitRetry(consumer, log, everyMs);
  try {
    await body(retry, state);
  } finally {
    retry.stop();
  }
}

describe('offset commits that failed while the broker was away', () => {
  it('are sent again until the broker takes them, then no more', () =>
    withRetry(60_000, async (retry, state) => {
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
    }));

  it('send the newest offset, and keep it pending when a newer one came while a commit was in flight', () =>
    withRetry(60_000, async (retry, state) => {
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
    }));

  it('are done with once a later batch of the partition commits its newest offset', () =>
    withRetry(60_000, async (retry, state) => {
      retry.recorded('t', 2, '3');
      retry.failed('t', 2);
      retry.recorded('t', 2, '7');
      retry.committed('t', 2, '7');
      await retry.flush();
      expect(state.commits).toEqual([]);
    }));

  it('are forgotten after a rebalance, and after a rewind of the partition (Redis lost writes)', () =>
    withRetry(60_000, async (retry, state) => {
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
    }));

  it('go out on their own every interval', () =>
    withRetry(20, async (retry, state) => {
      retry.recorded('t', 0, '4');
      retry.failed('t', 0);
      await new Promise((r) => setTimeout(r, 100));
      expect(state.commits).toEqual([[{ topic: 't', partition: 0, offset: '4' }]]);
    }));
});
