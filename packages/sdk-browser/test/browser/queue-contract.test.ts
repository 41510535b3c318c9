import { fileURLToPath } from 'node:url'
import nodeResolve from '@rollup/plugin-node-resolve'
import { launchChromium } from '@echotrail/test-harness'
import { rollup, type Plugin } from 'rollup'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { listen } from './support'

const here = fileURLToPath(new URL('.', import.meta.url))

// Type-stripping only: the suite's types are checked by `pnpm typecheck`.
const stripTypes: Plugin = {
  name: 'strip-types',
  resolveId(source, importer) {
    if (source === 'vitest') return `${here}vitest-shim.ts`
    if (importer?.endsWith('.ts') && source.startsWith('.') && !source.endsWith('.ts')) {
      return fileURLToPath(new URL(`${source.replace(/\.js$/, '')}.ts`, `file://${importer}`))
    }
    return null
  },
  transform(code, id) {
    if (!id.endsWith('.ts')) return null
    return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText
  },
}

async function runContractInChromium(): Promise<{ name: string; error: string | undefined }[]> {
  const bundle = await rollup({ input: `${here}contract-entry.ts`, plugins: [stripTypes, nodeResolve({ browser: true })], onwarn: () => {} })
  const { output } = await bundle.generate({ format: 'iife' })
  const code = output[0].code
  // IndexedDB needs a real origin, not about:blank.
  const server = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>contract</title>'))
  const browser = await launchChromium()
  try {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${server.origin}/`)
    await page.addScriptTag({ content: code })
    return await page.evaluate(() => (window as unknown as { runContract(): Promise<{ name: string; error: string | undefined }[]> }).runContract())
  } finally {
    await browser.close()
    await server.close()
  }
}

const results = await runContractInChromium()

describe('the IndexedDB queue in real Chromium', () => {
  it('runs the whole EventQueue contract suite in the page', () => {
    expect(results.length).toBeGreaterThanOrEqual(16)
  })

  for (const result of results) {
    it(`passes "${result.name}"`, () => {
      if (result.error !== undefined) throw new Error(result.error)
    })
  }
})
