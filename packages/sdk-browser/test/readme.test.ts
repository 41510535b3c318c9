import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BROWSER_DEFAULTS } from '../src/options'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('has a row in the options table for every option and default', () => {
    for (const key of [...Object.keys(BROWSER_DEFAULTS), 'publishableKey', 'onError']) expect(readme).toContain(`| \`${key}\` |`)
  })

  it('states each default as BROWSER_DEFAULTS has it', () => {
    for (const [key, value] of Object.entries(BROWSER_DEFAULTS)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`))!
      const shown = typeof value === 'string' ? `'${value}'` : Array.isArray(value) ? '[]' : typeof value === 'object' ? '{}' : String(value)
      expect(row.split(/(?<!\\)\|/)[3]!.trim()).toBe(`\`${shown}\``)
    }
  })
})
