import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONFIG_ENV, configSchema } from './config.js'
import { COLLECTOR_ERRORS } from './errors.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('the collector README', () => {
  it('tables every setting with its environment variable and default', () => {
    const defaults = configSchema.parse({})
    for (const [key, variable] of Object.entries(CONFIG_ENV)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`))
      expect(row, `README row for ${key}`).toBeDefined()
      expect(row).toContain(`\`${variable}\``)
      const value = (defaults as Record<string, unknown>)[key]
      expect(row).toContain(value === undefined ? 'unset' : `\`${String(value)}\``)
    }
  })

  it('tables every error code with its status', () => {
    for (const [code, { status }] of Object.entries(COLLECTOR_ERRORS)) {
      expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`))
    }
  })
})
