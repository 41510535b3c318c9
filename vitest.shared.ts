import { fileURLToPath } from 'node:url'

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))

/**
 * Workspace packages resolve to their TypeScript sources in tests, as in tsconfig's
 * `paths`, so a suite never runs against a stale build. What users install (the
 * built package) is checked by `pnpm lint` (publint, attw) and the process-level suites.
 */
export const workspaceAliases = [
  { find: /^@echotrail\/core\/schema$/, replacement: src('core/src/schema/index.ts') },
  { find: /^@echotrail\/core$/, replacement: src('core/src/index.ts') },
  { find: /^@echotrail\/node\/(http|fastify|fetch|next|otel)$/, replacement: src('sdk-node/src/$1.ts') },
  { find: /^@echotrail\/node$/, replacement: src('sdk-node/src/index.ts') },
  { find: /^@echotrail\/express$/, replacement: src('sdk-express/src/index.ts') },
  { find: /^@echotrail\/browser$/, replacement: src('sdk-browser/src/index.ts') },
]
