import { defineProject } from 'vitest/config'
import { workspaceAliases } from '../../vitest.shared.ts'

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'sdk-browser',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser suites start Chromium and a real collector.
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
})
