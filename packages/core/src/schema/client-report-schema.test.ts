import { describe, expect, it } from 'vitest'
import { clientReportSchema } from './client-report-schema'

describe('clientReportSchema', () => {
  it('accepts counts by reason with the sending SDK', () => {
    const report = {
      dropped: { queue_full: 12, too_large: 1 },
      sdk: { name: '@echotrail/node', version: '1.2.3' },
    }
    expect(clientReportSchema.parse(report)).toEqual(report)
  })

  it('accepts a report without sdk', () => {
    expect(clientReportSchema.safeParse({ dropped: { rejected: 0 } }).success).toBe(true)
  })

  it.each([
    ['a negative count', { dropped: { queue_full: -1 } }, 'dropped.queue_full'],
    ['a fractional count', { dropped: { queue_full: 1.5 } }, 'dropped.queue_full'],
    ['a string count', { dropped: { queue_full: '3' } }, 'dropped.queue_full'],
    ['no dropped map', { sdk: { name: 'x', version: '1' } }, 'dropped'],
    ['an sdk without version', { dropped: {}, sdk: { name: 'x' } }, 'sdk.version'],
  ])('rejects %s with an issue at %s', (_label, report, path) => {
    const result = clientReportSchema.safeParse(report)
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path)
  })

  it('rejects an empty reason', () => {
    expect(clientReportSchema.safeParse({ dropped: { '': 1 } }).success).toBe(false)
  })
})
