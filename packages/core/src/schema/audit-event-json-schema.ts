import { z } from 'zod'
import { auditEventSchema } from './audit-event-schema'

let cached: Readonly<z.core.JSONSchema.BaseSchema> | undefined

/**
 * JSON Schema (draft 2020-12) of what `POST /v1/audit` accepts, for docs and non-TypeScript
 * SDKs. Built on first call and cached; the result is deeply frozen, so clone it to edit.
 * Cross-field rules (request-or-action, the 64 KiB size) are not expressible and absent.
 */
export function auditEventJsonSchema(): Readonly<z.core.JSONSchema.BaseSchema> {
  if (cached === undefined) {
    // io: 'input' describes what a sender may send, e.g. method as the upper-case enum.
    // Free JSON fields are custom checks; `any` renders them as `{}`: any JSON value.
    const generated = z.toJSONSchema(auditEventSchema, { io: 'input', unrepresentable: 'any' })
    // The JSON round trip drops zod's non-enumerable `~standard` helper: a plain document.
    const plain = JSON.parse(JSON.stringify(generated)) as z.core.JSONSchema.BaseSchema
    cached = deepFreeze({ ...plain, title: 'Echotrail audit event (wire format v1)' })
  }
  return cached
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
