import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A poll waits for the page (or server) to reach a state; on a busy machine that can take
    // longer than the 1 s default. A poll that holds returns at once, so only failures wait this.
    expect: { poll: { timeout: 10_000 } },
  },
});
