import type { Queryable } from '../db/db.js'
import { hashApiKey, type KeyKind } from './api-key.js'
import { findActiveKeyByHash, listAllowedOrigins } from './keys.repo.js'

/** A key the collector accepted, as the request handlers need it. */
export interface ResolvedKey {
  id: string
  projectId: string
  kind: KeyKind
  allowedOrigins: ReadonlySet<string>
  rateLimitPerSecond: number | null
}

/** Looks keys up by value, with a short cache in front of the database. */
export interface KeyResolver {
  resolve(value: string): Promise<ResolvedKey | undefined>
  /** True when some active publishable key allows `origin` (for CORS preflights). */
  isKnownOrigin(origin: string): Promise<boolean>
  /** Forgets everything cached (after `keys revoke` in the same process). */
  clear(): void
}

interface CacheEntry<T> {
  value: T
  expiresAtMs: number
}

// Bounded so a flood of random keys cannot grow memory; unknown keys are cached
// too, so the same flood does not reach the database on every request either.
const MAX_CACHED_KEYS = 10_000

/**
 * Creates a resolver. A revoked key stops working within `ttlMs`, the price of not
 * querying the database on every request.
 */
export function createKeyResolver(db: Queryable, ttlMs: number, now: () => number = Date.now): KeyResolver {
  const keys = new Map<string, CacheEntry<ResolvedKey | undefined>>()
  let origins: CacheEntry<Set<string>> | undefined

  return {
    async resolve(value) {
      const hit = keys.get(value)
      if (hit && hit.expiresAtMs > now()) return hit.value
      const row = await findActiveKeyByHash(db, hashApiKey(value))
      const resolved: ResolvedKey | undefined = row && {
        id: row.id,
        projectId: row.project_id,
        kind: row.kind,
        allowedOrigins: new Set(row.allowed_origins),
        rateLimitPerSecond: row.rate_limit_per_second,
      }
      if (keys.size >= MAX_CACHED_KEYS) keys.clear()
      keys.set(value, { value: resolved, expiresAtMs: now() + ttlMs })
      return resolved
    },
    async isKnownOrigin(origin) {
      if (!origins || origins.expiresAtMs <= now()) {
        origins = { value: new Set(await listAllowedOrigins(db)), expiresAtMs: now() + ttlMs }
      }
      return origins.value.has(origin)
    },
    clear() {
      keys.clear()
      origins = undefined
    },
  }
}
