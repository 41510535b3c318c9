import { WIRE_LIMITS, type Masker } from '@echotrail/core'
import { clientReportSchema, ingestBatchSchema } from '@echotrail/core/schema'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { KeyResolver } from '../auth/key-resolver.js'
import type { RateLimiter } from '../auth/rate-limiter.js'
import type { Db } from '../db/db.js'
import { CollectorError, type Issue } from '../errors.js'
import type { Metrics } from '../metrics/metrics.js'
import { authenticate, type Caller } from './authenticate.js'
import { CommitRefusedError, type CommitOutcome, type GroupCommitter } from './group-commit.js'
import { prepareEvent, type PreparedEvent } from './prepare-event.js'
import { readJsonBody } from './read-body.js'
import { toIssues } from './to-issues.js'

/** What the ingest routes need from the rest of the collector. */
export interface IngestDeps {
  db: Db
  committer: GroupCommitter
  keys: KeyResolver
  limiter: RateLimiter
  masker: Masker
  /** SHA-256(0x00 ‖ UTF-8 of canonical JSON), synchronous, as a latin1 string (see prepare-event.ts). */
  hashCanonical: (json: string) => string
  metrics: Metrics
  /** Start of the oldest live partition, in ms. */
  oldestAcceptedMs: () => number
  isShuttingDown: () => boolean
}

/** The 202 answer. */
interface IngestAnswer {
  accepted: number
  duplicates: number
  rejected: { index: number; issues: Issue[] }[]
}

const INSERT_CLIENT_REPORT = `insert into client_reports (project_id, api_key_id, sdk_name, sdk_version, dropped)
  values ($1, $2, $3, $4, $5)`

const CORS_ALLOW_HEADERS = 'content-type, content-encoding, x-api-key, authorization'

/** POST /v1/audit, POST /v1/audit/batch, POST /v1/audit/client-report and their CORS preflights. */
export async function ingestPlugin(app: FastifyInstance, deps: IngestDeps): Promise<void> {
  // Bodies are read raw: gzip is decoded here, and text/plain is how sendBeacon
  // sends JSON without a preflight.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer', bodyLimit: WIRE_LIMITS.maxBatchBytes }, (_req, body, done) =>
    done(null, body),
  )

  const allowCors = (reply: FastifyReply, caller: Caller) => {
    if (caller.origin !== undefined) reply.header('access-control-allow-origin', caller.origin).header('vary', 'Origin')
  }

  const tooMany = () =>
    new CollectorError('ET_INGEST_TOO_LARGE', { message: `A batch holds at most ${WIRE_LIMITS.maxBatchEvents} events; split it.` })

  /** A request's events, handed to the committer, and the rejections found on the way. */
  interface Submitted {
    committed: Promise<CommitOutcome>
    answer: IngestAnswer
  }

  const prepareAndSubmit = (caller: Caller, events: unknown[], single: boolean): Submitted => {
    if (events.length > WIRE_LIMITS.maxBatchEvents) throw tooMany()
    if (deps.isShuttingDown()) throw new CollectorError('ET_SHUTTING_DOWN', { retryAfterSeconds: 5 })
    const answer: IngestAnswer = { accepted: 0, duplicates: 0, rejected: [] }
    const prepared: PreparedEvent[] = []
    const receivedAtMs = Date.now()
    const ctx = {
      receivedAtMs,
      receivedAtIso: new Date(receivedAtMs).toISOString(),
      oldestAcceptedMs: deps.oldestAcceptedMs(),
      keyKind: caller.key.kind,
      masker: deps.masker,
      hashCanonical: deps.hashCanonical,
    }
    for (let index = 0; index < events.length; index++) {
      const result = prepareEvent(events[index], ctx)
      if (result.ok) prepared.push(result.event)
      else answer.rejected.push({ index, issues: result.issues })
    }
    deps.metrics.inc('echotrail_events_rejected_total', answer.rejected.length)
    if (single && answer.rejected.length === 1) {
      throw new CollectorError('ET_INGEST_INVALID', { message: 'The event is not valid.', issues: answer.rejected[0]!.issues })
    }
    return { committed: deps.committer.submit(caller.key.projectId, prepared), answer }
  }

  // Reading, preparing and submitting a body run in one synchronous call, which lets go
  // of the raw body: what waits for the commit is the committer's packed batch, not the
  // parsed events (tens of objects each) nor the prepared ones, which so die young.
  const submitBody = (request: FastifyRequest, caller: Caller, route: 'audit' | 'batch'): Submitted => {
    const body = rawBody(request)
    request.body = undefined
    if (route === 'audit') return Array.isArray(body) ? prepareAndSubmit(caller, body, false) : prepareAndSubmit(caller, [body], true)
    // Counted before the envelope schema, so an oversized batch gets the 413 an SDK splits on.
    const events = (body as { events?: unknown } | null)?.events
    if (Array.isArray(events) && events.length > WIRE_LIMITS.maxBatchEvents) throw tooMany()
    const parsed = ingestBatchSchema.safeParse(body)
    if (!parsed.success) {
      throw new CollectorError('ET_INGEST_INVALID', {
        message: 'The body must be {"events": [...]}.',
        issues: toIssues(parsed.error.issues),
      })
    }
    return prepareAndSubmit(caller, parsed.data.events, false)
  }

  const answerWhenCommitted = async (request: FastifyRequest, reply: FastifyReply, { committed, answer }: Submitted) => {
    let outcome
    try {
      outcome = await committed
    } catch (err) {
      if (err instanceof CommitRefusedError) {
        // The database refused these rows themselves (a gap in validation): retrying
        // cannot help, so the sender is told, and other requests were not held back.
        request.log.error({ err: err.cause }, 'the database refused events that passed validation')
        throw new CollectorError('ET_INGEST_INVALID', { message: 'The database refused these events; check their field sizes and values.' })
      }
      request.log.error({ err }, 'commit failed')
      throw new CollectorError('ET_STORAGE_UNAVAILABLE', { retryAfterSeconds: 5, cause: err })
    }
    answer.accepted = outcome.accepted
    answer.duplicates = outcome.duplicates
    deps.metrics.inc('echotrail_events_accepted_total', outcome.accepted)
    deps.metrics.inc('echotrail_events_duplicate_total', outcome.duplicates)
    return reply.code(202).send(answer)
  }

  const rawBody = (request: FastifyRequest): unknown => {
    if (!Buffer.isBuffer(request.body)) throw new CollectorError('ET_INGEST_UNSUPPORTED_MEDIA')
    const encoding = request.headers['content-encoding']
    return readJsonBody(request.body, typeof encoding === 'string' ? encoding : undefined)
  }

  // Every route authenticates first, so nothing about a body is revealed without a key.
  const begin = async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = await authenticate(request, deps.keys, deps.limiter)
    allowCors(reply, caller)
    return caller
  }

  app.post('/audit', async (request, reply) => {
    const caller = await begin(request, reply)
    return answerWhenCommitted(request, reply, submitBody(request, caller, 'audit'))
  })

  app.post('/audit/batch', async (request, reply) => {
    const caller = await begin(request, reply)
    return answerWhenCommitted(request, reply, submitBody(request, caller, 'batch'))
  })

  app.post('/audit/client-report', async (request, reply) => {
    const caller = await begin(request, reply)
    const parsed = clientReportSchema.safeParse(rawBody(request))
    if (!parsed.success) {
      throw new CollectorError('ET_INGEST_INVALID', {
        issues: toIssues(parsed.error.issues),
      })
    }
    // readJsonBody already made every string storable (no U+0000, no lone surrogates).
    const report = parsed.data
    try {
      await deps.db.query(INSERT_CLIENT_REPORT, [
        caller.key.projectId,
        caller.key.id,
        report.sdk?.name ?? null,
        report.sdk?.version ?? null,
        JSON.stringify(report.dropped),
      ])
    } catch (err) {
      request.log.error({ err }, 'client report not stored')
      throw new CollectorError('ET_STORAGE_UNAVAILABLE', { retryAfterSeconds: 5, cause: err })
    }
    for (const [reason, count] of Object.entries(report.dropped)) {
      deps.metrics.inc('echotrail_client_reported_dropped_total', count, { reason })
    }
    return reply.code(202).send({ accepted: true })
  })

  // Preflights carry no key: answer for any origin some publishable key allows.
  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin
    if (typeof origin === 'string' && (await deps.keys.isKnownOrigin(origin))) {
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', CORS_ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .header('vary', 'Origin')
    }
    return reply.code(204).send()
  }
  app.options('/audit', preflight)
  app.options('/audit/batch', preflight)
  app.options('/audit/client-report', preflight)
}
