import { describe, expect, it, vi } from 'vitest'
import { createKeyTable } from './key-table'

describe('createKeyTable', () => {
  it('judges each distinct key once', () => {
    const isSecret = vi.fn((key: string) => key === 'password')
    const table = createKeyTable(isSecret)
    table.get('password')
    table.get('password')
    table.get('name')
    expect(isSecret).toHaveBeenCalledTimes(2)
  })

  it('gives the key as JSON followed by a colon', () => {
    const table = createKeyTable(() => false)
    expect(table.get('say "hi"\n').prefix).toBe('"say \\"hi\\"\\n":')
  })

  it('keeps answering correctly after the cache fills up', () => {
    const table = createKeyTable((key) => key.endsWith('secret'))
    for (let i = 0; i < 10_000; i++) expect(table.get(`k${i}${i % 2 === 0 ? 'secret' : ''}`).secret).toBe(i % 2 === 0)
  })
})
