import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    http: 'src/http.ts',
    fastify: 'src/fastify.ts',
    fetch: 'src/fetch.ts',
    next: 'src/next.ts',
    otel: 'src/otel.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
  treeshake: true,
  external: ['@echotrail/core', 'undici', 'fastify', 'next', '@opentelemetry/api', '@opentelemetry/sdk-trace-base'],
})
