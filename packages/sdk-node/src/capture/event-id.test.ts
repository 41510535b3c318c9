import { createMasker } from '@echotrail/core'
import { describe, expect, it } from 'vitest'
import { eventId } from './event-id'

describe('eventId', () => {
  it('makes ids that masking never changes', () => {
    const masker = createMasker()
    for (let i = 0; i < 50_000; i++) {
      const id = eventId()
      expect(masker.maskToJson(id)).toBe(JSON.stringify(id))
    }
  })

  it('makes strictly increasing UUIDv7 ids', () => {
    const ids = Array.from({ length: 1_000 }, eventId)
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true)
    expect([...ids].sort()).toEqual(ids)
  })
})
