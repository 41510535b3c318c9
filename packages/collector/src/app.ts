import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { CollectorError, COLLECTOR_ERRORS, type CollectorErrorCode } from './errors.js'
import { ingestPlugin, type IngestDeps } from './ingest/plugin.js'

/** What the ingest server needs. */
export interface IngestAppDeps extends IngestDeps {
  logger: FastifyBaseLogger
  /** Answers /readyz: true when the database answers. */
  isReady: () => Promise<boolean>
  /** Gauges for /metrics (queue depth, …). */
  gauges: () => Record<string, number>
}

// Fastify's own errors that a client can cause, and what they mean for us.
const FASTIFY_CODES: Record<string, CollectorErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ET_INGEST_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ET_INGEST_UNSUPPORTED_MEDIA',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ET_INGEST_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ET_INGEST_INVALID_JSON',
  FST_ERR_CTP_INVALID_TYPE: 'ET_INGEST_UNSUPPORTED_MEDIA',
  FST_ERR_BAD_URL: 'ET_INGEST_INVALID',
  FST_ERR_ASYNC_CONSTRAINT: 'ET_INGEST_INVALID',
}

/** Maps any thrown value to the error the client sees; unknown ones become a bare 500. */
export function toCollectorError(err: unknown): CollectorError {
  if (err instanceof CollectorError) return err
  const code = (err as FastifyError | undefined)?.code
  if (typeof code === 'string' && FASTIFY_CODES[code]) return new CollectorError(FASTIFY_CODES[code])
  const status = (err as FastifyError | undefined)?.statusCode
  if (typeof status === 'number' && status === 413) return new CollectorError('ET_INGEST_TOO_LARGE')
  if (typeof status === 'number' && status === 415) return new CollectorError('ET_INGEST_UNSUPPORTED_MEDIA')
  if (typeof status === 'number' && status >= 400 && status < 500) return new CollectorError('ET_INGEST_INVALID')
  return new CollectorError('ET_INTERNAL', { cause: err })
}

function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const error = toCollectorError(err)
  if (error.status >= 500) request.log.error({ err: error.cause ?? err, code: error.code }, 'request failed')
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds))
  // A page must be able to read why it was refused: 401/403 are final for an SDK, while
  // an unreadable answer looks like a network error and is retried until the queue
  // drops it. The error body holds nothing of the project, so any origin may read it.
  const origin = request.headers.origin
  if (typeof origin === 'string') {
    reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'retry-after').header('vary', 'Origin')
  }
  reply.code(error.status).send({
    error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  })
}

// Node answers requests it cannot parse (headers over 16 KiB, a broken request line)
// before Fastify sees them; Fastify's default body for those is not our error shape.
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const error = new CollectorError(
    err.code === 'HPE_HEADER_OVERFLOW' ? 'ET_INGEST_HEADERS_TOO_LARGE' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'ET_INGEST_TIMEOUT' : 'ET_INGEST_INVALID',
  )
  const body = JSON.stringify({ error: { code: error.code, message: error.message } })
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}

/** Builds the ingest server (port 8081): /v1/audit*, /healthz, /readyz, /metrics. */
export async function buildIngestApp(deps: IngestAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Keys may travel in the query string (sendBeacon); never log it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 5 * 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Without this, a URL that does not decode (`/v1/%ZZ`) gets Fastify's own error body.
    frameworkErrors: sendError,
    clientErrorHandler: answerClientError,
  })

  app.setErrorHandler(sendError)
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ error: { code: 'ET_NOT_FOUND', message: COLLECTOR_ERRORS.ET_NOT_FOUND.message } })
  })
  // While stopping, every answer closes its connection, so keep-alive clients
  // reconnect (to another collector) instead of holding the server open.
  app.addHook('onSend', async (_request, reply) => {
    if (deps.isShuttingDown()) reply.header('connection', 'close')
  })
  app.addHook('onResponse', async (_request, reply) => {
    deps.metrics.inc('echotrail_ingest_requests_total', 1, { status: String(reply.statusCode) })
  })

  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const ready = await deps.isReady().catch(() => false)
    if (!ready) reply.header('retry-after', '5')
    return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready' } : { status: 'unavailable', error: { code: 'ET_STORAGE_UNAVAILABLE', message: COLLECTOR_ERRORS.ET_STORAGE_UNAVAILABLE.message } })
  })
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.render(deps.gauges())),
  )

  await app.register(ingestPlugin, { ...deps, prefix: '/v1' })
  return app
}
