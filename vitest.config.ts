import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Three tiers (STYLE.md): unit tests with fakes, API tests through app.inject on the embedded
// store, and tests on real Podman and real engines. `npm test` runs all three; the podman tier
// fails (never skips) when Podman is missing.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'api', include: ['test/api/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      // The UI's components in jsdom with Testing Library, on a fake fetch; the real browser is the e2e project's.
      {
        plugins: [react()],
        test: { name: 'ui', include: ['frontend/test/**/*.test.tsx'], environment: 'jsdom', setupFiles: ['frontend/test/setup.ts'], testTimeout: 20_000 },
      },
      {
        test: {
          name: 'podman',
          include: ['test/podman/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          globalSetup: ['test/podman/global-setup.ts'],
        },
      },
      // The UI in Debian's Chromium (playwright-core) against the real host, Podman and stand-in engines.
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
