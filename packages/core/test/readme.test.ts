import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DELIVERY_DEFAULTS, MASK_DEFAULTS, RETRY_DEFAULTS } from '../src/index'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const errorsSource = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8')

const rowOf = (option: string) => readme.split('\n').find((line) => line.startsWith(`| \`${option}\` |`))

describe('the core README', () => {
  it.each([
    ['createMasker', MASK_DEFAULTS],
    ['createBatchSender', DELIVERY_DEFAULTS],
    ['createRetryPolicy', RETRY_DEFAULTS],
  ] as const)('tables every default of %s with its value', (_name, defaults) => {
    for (const [option, value] of Object.entries(defaults)) {
      const row = rowOf(option)
      expect(row, `README row for ${option}`).toBeDefined()
      const shown = Array.isArray(value) ? '[]' : String(value)
      expect(row).toContain(`\`${shown}\``)
    }
  })

  it('tables every error code', () => {
    const codes = [...errorsSource.matchAll(/\| '(ET_[A-Z_]+)'/g)].map((m) => m[1])
    expect(codes.length).toBeGreaterThan(10)
    for (const code of codes) expect(readme).toContain(`| \`${code}\` |`)
  })
})
