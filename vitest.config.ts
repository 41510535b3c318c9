import { defineConfig } from 'vitest/config'

// One vitest run covers every package: each package (and the harness smoke
// suite) is a project with its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'tools/*'],
  },
})
