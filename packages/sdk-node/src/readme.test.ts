import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CAPTURE_DEFAULTS, NODE_DEFAULTS, NODE_ERROR_CODES, SDK_INFO } from './index'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string }
const rowOf = (option: string) => readme.split('\n').find((line) => line.startsWith(`| \`${option}\` |`))

describe('the @echotrail/node README', () => {
  it.each([
    ['client', NODE_DEFAULTS],
    ['capture', CAPTURE_DEFAULTS],
  ] as const)('tables every %s default with its value', (_name, defaults) => {
    for (const [option, value] of Object.entries(defaults)) {
      const row = rowOf(option)
      expect(row, `README row for ${option}`).toBeDefined()
      const shown = Array.isArray(value) ? (value.length === 0 ? '[]' : `[${value.map((v) => `'${String(v)}'`).join(', ')}]`) : typeof value === 'object' ? '{}' : String(value)
      expect(row).toContain(`\`${shown}\``)
    }
  })

  it('tables every error code the SDK reports, with a site, a cause and a fix', () => {
    for (const code of NODE_ERROR_CODES) {
      const row = rowOf(code)
      expect(row, `README row for ${code}`).toBeDefined()
      expect(row!.split('|').filter((cell) => cell.trim() !== '')).toHaveLength(4)
    }
  })

  it('names the package and version the SDK reports', () => {
    expect(SDK_INFO).toEqual({ name: pkg.name, version: pkg.version })
  })
})
