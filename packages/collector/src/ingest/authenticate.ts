import type { FastifyRequest } from 'fastify'
import { keyKindOf } from '../auth/api-key.js'
import type { KeyResolver, ResolvedKey } from '../auth/key-resolver.js'
import type { RateLimiter } from '../auth/rate-limiter.js'
import { CollectorError } from '../errors.js'

/** The key of an ingest request and the origin it came from. */
export interface Caller {
  key: ResolvedKey
  origin: string | undefined
}

function keyFrom(request: FastifyRequest): { value: string; fromQuery: boolean } | undefined {
  const header = request.headers['x-api-key']
  if (typeof header === 'string' && header.length > 0) return { value: header.trim(), fromQuery: false }
  const auth = request.headers.authorization
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return { value: auth.replace(/^bearer\s+/i, '').trim(), fromQuery: false }
  // navigator.sendBeacon cannot set headers, so publishable keys may come in the URL.
  const query = request.query as Record<string, unknown> | undefined
  const fromQuery = query?.key
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return { value: fromQuery, fromQuery: true }
  return undefined
}

/**
 * Authenticates an ingest request (DESIGN §3): secret keys from servers only,
 * publishable keys only from their allowed origins, and each key within its rate.
 */
export async function authenticate(request: FastifyRequest, keys: KeyResolver, limiter: RateLimiter): Promise<Caller> {
  const given = keyFrom(request)
  if (!given) throw new CollectorError('ET_AUTH_MISSING_KEY')
  const claimedKind = keyKindOf(given.value)
  if (!claimedKind) throw new CollectorError('ET_AUTH_UNKNOWN_KEY')
  const key = await keys.resolve(given.value)
  if (!key) throw new CollectorError('ET_AUTH_UNKNOWN_KEY')
  const origin = typeof request.headers.origin === 'string' ? request.headers.origin : undefined
  if (key.kind === 'secret') {
    if (given.fromQuery) {
      throw new CollectorError('ET_AUTH_WRONG_KEY_KIND', { message: 'Secret keys are not accepted in the URL; send them in X-API-Key.' })
    }
    if (origin !== undefined) {
      throw new CollectorError('ET_AUTH_WRONG_KEY_KIND', {
        message: 'Secret keys are not accepted from browser origins; use a publishable key (et_pk_…).',
      })
    }
  } else if (origin === undefined || !key.allowedOrigins.has(origin)) {
    throw new CollectorError('ET_AUTH_ORIGIN_NOT_ALLOWED')
  }
  if (key.rateLimitPerSecond !== null) {
    const waitMs = limiter.take(key.id, key.rateLimitPerSecond)
    if (waitMs > 0) throw new CollectorError('ET_RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) })
  }
  return { key, origin }
}
