import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every test on the default transport (ws), then the network edge again on uWebSockets.js:
    // the integration tests through startTestServer, and the transport's own tests, with
    // VANE_TRANSPORT=uws (`npm run test:uws` runs this project alone). One run, one report.
    projects: [
      {
        extends: true,
        test: { name: 'ws', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'uws',
          include: ['test/integration/**/*.test.ts', 'src/transport/**/*.test.ts'],
          env: { VANE_TRANSPORT: 'uws' },
        },
      },
    ],
  },
});
