import { defineConfig } from 'vitest/config';

/**
 * Tests that measure time or run many processes (scan tasks: stop within a second, 1,000 images over
 * three workers, killed processes) run after everything else, one file at a time: on a 2-core machine
 * they would otherwise measure the other files' load, not hullscan's behaviour.
 */
const SERIAL = ['test/tasks-time.test.ts', 'test/tasks-faults.test.ts', 'test/tasks-load.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: SERIAL,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'serial', include: SERIAL, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
