import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

const alias = {
  '@lab/planners': resolve(__dirname, 'planners/src/index.ts'),
  '@lab/drivers': resolve(__dirname, 'drivers/src/index.ts'),
  '@lab/instruments': resolve(__dirname, 'instruments/src/index.ts'),
  '@lab/simulations': resolve(__dirname, 'simulations/src/index.ts'),
  '@lab/config': resolve(__dirname, 'config/src/index.ts'),
  '@lab/vision': resolve(__dirname, 'vision/src/index.ts'),
};

// SWC instead of esbuild: Nest dependency injection needs emitted decorator metadata.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{apps,planners,drivers,instruments,simulations,config,vision}/**/*.spec.ts', 'test/integration/**/*.spec.ts', 'test/fuzz/**/*.spec.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins,
        resolve: { alias },
        // One file at a time: they share the machine's Mosquitto, where instrument topics are global.
        test: { name: 'services', include: ['test/services/**/*.spec.ts'], testTimeout: 60_000, fileParallelism: false },
      },
      {
        plugins,
        resolve: { alias },
        test: { name: 'chaos', include: ['test/chaos/**/*.spec.ts'], testTimeout: 600_000 },
      },
      {
        plugins,
        resolve: { alias },
        // One browser at a time: the dashboard tests drive a shared lab step by step.
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e.spec.ts'], testTimeout: 120_000, hookTimeout: 60_000, fileParallelism: false },
      },
    ],
  },
});
