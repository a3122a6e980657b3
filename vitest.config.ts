import { defineConfig } from 'vitest/config';

// Test kinds by suffix: *.unit.test.ts need no server; *.int.test.ts and *.e2e.test.ts run against
// the real Kafka, schema registry and Redis that test/support/global-setup.ts provides.
export default defineConfig({
  test: {
    projects: [
      // Unit tests first (group 0): they fail fast, before the servers are even needed.
      { test: { name: 'unit', include: ['test/unit/**/*.unit.test.ts'], sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'int',
          include: ['test/int/**/*.int.test.ts', 'test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One core per worker on a 2-core machine; the broker and Redis need the rest.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
