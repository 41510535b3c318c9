import { describe, expect, it } from 'vitest'
import { rejectedPositions } from './ingest-answer'

describe('rejectedPositions', () => {
  it('reads the positions of a 202 answer with rejected events', () => {
    expect(rejectedPositions({ accepted: 1, duplicates: 0, rejected: [{ index: 2, issues: [] }, { index: 0, issues: [] }] })).toEqual([2, 0])
  })

  it('reads nothing from an answer with none rejected, or from anything unexpected', () => {
    for (const answer of [{ accepted: 3, duplicates: 0, rejected: [] }, null, 'ok', { rejected: 'x' }, { rejected: [{ index: -1 }, { index: 1.5 }, {}] }]) {
      expect(rejectedPositions(answer)).toBeUndefined()
    }
  })
})
