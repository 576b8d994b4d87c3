import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['test/podman/**/*.test.ts', 'test/unit/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 900_000, fileParallelism: false, root: '/work/main' } });
