import { describe, expect, expectTypeOf, it } from 'vitest'
import { AUDIT_EVENT_FIELDS } from '../event/audit-event'
import type { AuditEvent, AuditEventField, AuditEventFields } from '../event/audit-event'
import { auditEventSchema } from './audit-event-schema'
import type { AuditEventInput, AuditEventOutput, SplitEvent } from './audit-event-schema'
import type { ClientReport } from './client-report-schema'
import type { IngestBatch } from './ingest-batch-schema'

// The loose output also carries `[key: string]: unknown`; compare the named fields only.
type KnownFields<T> = Pick<T, AuditEventField & keyof T>

describe('the zod schema and the hand-written types', () => {
  it('declare the same field names', () => {
    expectTypeOf<keyof typeof auditEventSchema.shape>().toEqualTypeOf<AuditEventField>()
    expect(Object.keys(auditEventSchema.shape).sort()).toEqual([...AUDIT_EVENT_FIELDS].sort())
  })

  it('type every known field the same way, in both directions', () => {
    expectTypeOf<KnownFields<AuditEventOutput>>().toExtend<AuditEventFields>()
    expectTypeOf<AuditEventFields>().toExtend<KnownFields<AuditEventOutput>>()
  })

  it('agree on a field picked at random, not just on the whole', () => {
    expectTypeOf<AuditEventOutput['method']>().toEqualTypeOf<AuditEventFields['method']>()
    expectTypeOf<AuditEventOutput['metadata']>().toExtend<AuditEventFields['metadata']>()
    expectTypeOf<AuditEventOutput['timestamp']>().toEqualTypeOf<string | number | undefined>()
  })

  it('let every hand-written event be sent as schema input', () => {
    expectTypeOf<AuditEvent>().toExtend<AuditEventInput>()
    expectTypeOf<AuditEvent>().toExtend<AuditEventOutput>()
  })

  it('hand the collector a typed AuditEvent after splitting', () => {
    expectTypeOf<SplitEvent['event']>().toEqualTypeOf<AuditEvent>()
  })

  it('leave batch events unvalidated in the envelope type', () => {
    expectTypeOf<IngestBatch>().toEqualTypeOf<{ events: unknown[] }>()
  })

  it('type the client report as counts by reason and an optional SDK', () => {
    expectTypeOf<ClientReport['dropped']>().toEqualTypeOf<Record<string, number>>()
    expectTypeOf<{ dropped: { queue_full: number } }>().toExtend<ClientReport>()
  })
})
