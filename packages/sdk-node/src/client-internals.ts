import type { AuditEvent } from '@echotrail/core'
import { defaultMasker } from '@echotrail/core'
import type { EventJsonWriter } from './capture/event-json'
import { createEventJsonWriter } from './capture/event-json'
import type { NodeClient } from './client'

/** What this package's adapters use beside the public client: the fast path of request events. */
export interface ClientInternals {
  /** Writes masked event members with the client's masking rules. */
  readonly writer: EventJsonWriter
  /** Queues an event `writer` already masked and serialised; false when it was dropped. */
  enqueueJson(json: string): boolean
}

// Kept beside the client rather than on it, so the public NodeClient type stays as documented.
const INTERNALS = new WeakMap<NodeClient, ClientInternals>()

/** Attaches `internals` to a client made by `createClient`. */
export function attachInternals(client: NodeClient, internals: ClientInternals): void {
  INTERNALS.set(client, internals)
}

/**
 * The internals of `client`. A client this package did not make (a test double, a wrapper)
 * gets events as objects through its public `enqueue`, masked with the default rules.
 */
export function internalsOf(client: NodeClient): ClientInternals {
  const own = INTERNALS.get(client)
  if (own !== undefined) return own
  return {
    writer: createEventJsonWriter(defaultMasker, false),
    enqueueJson: (json) => client.enqueue(JSON.parse(json) as AuditEvent),
  }
}

/** An event masked and serialised before it reached the batch sender. */
export class SerializedEvent {
  constructor(readonly json: string) {}
}
