import { defineConfig } from 'vitest/config';

// Test kinds by suffix: *.unit.test.ts need no server; *.int.test.ts and *.e2e.test.ts run against
// the real Kafka, schema registry and Redis that test/support/global-setup.ts provides.
const OWN_STACK = [
  'test/e2e/broker-and-redis-restart.e2e.test.ts',
  'test/e2e/secure-connections.e2e.test.ts',
  'test/e2e/redis-cluster.e2e.test.ts',
];
const STACK = {
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 180_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    projects: [
      // Unit tests first (group 0): they fail fast, before the servers are even needed.
      { test: { name: 'unit', include: ['test/unit/**/*.unit.test.ts'], sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'int',
          include: ['test/int/**/*.int.test.ts', 'test/e2e/**/*.e2e.test.ts'],
          exclude: OWN_STACK,
          ...STACK,
          // One core per worker on a 2-core machine; the broker and Redis need the rest.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Tests that start a second Kafka, registry or Redis of their own (restarting them, securing
        // them, a Redis Cluster failing over) run last and one at a time: on two cores, a second broker restarting
        // beside a full suite is too slow for what they check.
        test: { name: 'own-stack', include: OWN_STACK, ...STACK, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
