import { EchotrailError } from '@echotrail/core'
import type { NodeClient } from '../client'
import { createClient } from '../client'
import type { NodeClientOptions } from '../options'
import type { CaptureOptions, ResolvedCaptureOptions } from './capture-options'
import { resolveCaptureOptions } from './capture-options'
import { internalsOf } from '../client-internals'
import { createRequestEventJsonWriter } from './request-event-json'
import type { HeaderSource, RecordSink } from './request-record'
import { parseQuery, RequestRecord, wireMethod } from './request-record'

/**
 * Options of every adapter: the capture options, plus either an existing `client`
 * (shared by several adapters) or the options to create one.
 */
export type AdapterOptions<Req> = CaptureOptions<Req> & ({ client: NodeClient } | NodeClientOptions)

/** Compiled capture settings and the client events go to; one per adapter instance. */
export interface RequestCapture<Req> {
  readonly client: NodeClient
  readonly options: ResolvedCaptureOptions<Req>
  /** Starts recording a request, or returns undefined when it is ignored, sampled out or disabled. */
  begin(req: Req, method: string | undefined, url: string, headers: HeaderSource, ip: string | undefined): RequestRecord<Req> | undefined
}

/** Creates the client (unless given) and compiles the capture options, once. */
export function createRequestCapture<Req>(adapterOptions: AdapterOptions<Req>): RequestCapture<Req> {
  const client = 'client' in adapterOptions && adapterOptions.client ? adapterOptions.client : createClient(adapterOptions as NodeClientOptions)
  const { resolved, problems } = resolveCaptureOptions(adapterOptions)
  for (const problem of problems) client.failures.report('capture.config', new EchotrailError('ET_CONFIG_INVALID', problem))
  const { ignoredPaths, ignoredPatterns, ignore, sampleRate } = resolved
  const enabled = client.enabled
  const internals = internalsOf(client)
  const sink: RecordSink<Req> = {
    client,
    options: resolved,
    writeEvent: createRequestEventJsonWriter(internals.writer, client.service, client.environment, parseQuery),
    enqueueJson: internals.enqueueJson,
  }
  return {
    client,
    options: resolved,
    begin(req, rawMethod, url, headers, ip) {
      if (!enabled) return undefined
      const method = wireMethod(rawMethod)
      if (method === undefined) return undefined
      const queryAt = url.indexOf('?')
      const path = queryAt === -1 ? url : url.slice(0, queryAt)
      if (ignoredPaths.has(path)) return undefined
      for (const pattern of ignoredPatterns) if (pattern.test(path)) return undefined
      if (ignore !== undefined) {
        try {
          if (ignore(req)) return undefined
        } catch (error) {
          client.failures.report('capture.ignore', error)
        }
      }
      if (sampleRate < 1 && Math.random() >= sampleRate) return undefined
      return new RequestRecord(sink, req, method, url, headers, ip)
    },
  }
}
