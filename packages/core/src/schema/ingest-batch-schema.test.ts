import { describe, expect, it } from 'vitest'
import { WIRE_LIMITS } from '../event/vocabulary'
import { ingestBatchSchema, validateBatchEvents } from './ingest-batch-schema'

const valid = (n: number) => ({ path: `/items/${n}`, method: 'GET', status_code: 200 })

describe('ingestBatchSchema', () => {
  it('accepts a batch of 1,000 events without looking inside them', () => {
    const events = Array.from({ length: WIRE_LIMITS.maxBatchEvents }, () => 'not an event')
    expect(ingestBatchSchema.safeParse({ events }).success).toBe(true)
  })

  it('rejects a batch of 1,001 events with an issue naming events', () => {
    const events = Array.from({ length: WIRE_LIMITS.maxBatchEvents + 1 }, (_, i) => valid(i))
    const result = ingestBatchSchema.safeParse({ events })
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['events']])
  })

  it('rejects a body without an events array', () => {
    expect(ingestBatchSchema.safeParse([valid(0)]).success).toBe(false)
    expect(ingestBatchSchema.safeParse({ events: valid(0) }).success).toBe(false)
  })
})

describe('validateBatchEvents', () => {
  it('accepts the valid events of a batch even when others are invalid', () => {
    const result = validateBatchEvents([valid(0), { path: '/x' }, valid(2), 'junk'])
    expect(result.accepted.map((a) => a.index)).toEqual([0, 2])
    expect(result.rejected.map((r) => r.index)).toEqual([1, 3])
  })

  it('names the offending field in the issues of a rejected event', () => {
    const { rejected } = validateBatchEvents([{ ...valid(0), status_code: 700 }])
    expect(rejected[0]?.issues.map((issue) => issue.path)).toEqual([['status_code']])
  })

  it('splits unknown fields off each accepted event', () => {
    const { accepted } = validateBatchEvents([{ ...valid(0), build: 7 }])
    expect(accepted[0]?.event).toEqual(valid(0))
    expect(accepted[0]?.extra).toEqual({ build: 7 })
  })

  it('returns the normalised event, not the raw one', () => {
    const { accepted } = validateBatchEvents([{ ...valid(0), method: 'delete' }])
    expect(accepted[0]?.event.method).toBe('DELETE')
  })

  it('returns nothing for an empty batch', () => {
    expect(validateBatchEvents([])).toEqual({ accepted: [], rejected: [] })
  })
})
