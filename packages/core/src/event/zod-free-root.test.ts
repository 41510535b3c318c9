import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// SDK users must not need zod (STYLE.md §2.9): nothing the root entry reaches, at runtime
// or in its declarations, may import it. Type-only imports count for that reason.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//g
const LINE_COMMENT = /^\s*\/\/.*$/gm
const SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*(['"])([^'"]+)\1/g

function specifiersOf(file: string): string[] {
  const source = readFileSync(file, 'utf8').replace(BLOCK_COMMENT, '').replace(LINE_COMMENT, '')
  return [...source.matchAll(SPECIFIER)].map((match) => match[2] ?? '')
}

function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier)
  const candidates = [`${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts'), base]
  return candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate))
}

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function walk(entry: string): Map<string, string[]> {
  const bareImports = new Map<string, string[]>()
  const pending = [entry]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (bareImports.has(file)) continue
    const bare: string[] = []
    for (const specifier of specifiersOf(file)) {
      if (!specifier.startsWith('.')) bare.push(specifier)
      else {
        // An unresolvable import is tsc's to report; this walk only follows real files.
        const target = resolveRelative(file, specifier)
        if (target !== undefined) pending.push(target)
      }
    }
    bareImports.set(file, bare)
  }
  return bareImports
}

const importsZod = (specifier: string): boolean =>
  specifier === 'zod' || specifier.startsWith('zod/')

function zodImporters(entry: string): string[] {
  return [...walk(entry)]
    .filter(([, bare]) => bare.some(importsZod))
    .map(([file]) => relative(SRC, file))
}

describe('the root entry', () => {
  it('reaches the event types through its imports', () => {
    const reached = [...walk(join(SRC, 'index.ts')).keys()].map((file) => relative(SRC, file))
    expect(reached).toEqual(
      expect.arrayContaining(['index.ts', 'errors.ts', 'event/vocabulary.ts']),
    )
  })

  it('reaches no module that imports zod', () => {
    expect(zodImporters(join(SRC, 'index.ts'))).toEqual([])
  })

  it('would be caught importing zod, as the schema entry does', () => {
    expect(zodImporters(join(SRC, 'schema', 'index.ts'))).toContain('schema/audit-event-schema.ts')
  })
})
