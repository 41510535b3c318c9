/** Where failures inside an SDK go: counted always, logged once per site. */
export interface FailureLog {
  /** Records a failure at `where`; only the first failure of each site is logged. */
  report(where: string, err: unknown): void
  /** Failures recorded so far, in total and by site. */
  counts(): { total: number; bySite: Readonly<Record<string, number>> }
}

/** Options of a failure log. */
export interface FailureLogOptions {
  /** Receives the first failure of each site. @default console.warn with an `[echotrail]` prefix */
  log?: (message: string, err: unknown) => void
}

/**
 * Creates a failure log. SDK code runs inside host apps, so a failure of ours must
 * never become theirs: it is counted (for `stats()`), logged once per site so a
 * broken hook on every request cannot flood the host's logs, and swallowed.
 */
export function createFailureLog(options: FailureLogOptions = {}): FailureLog {
  const log = options.log ?? ((message, err) => console.warn(`[echotrail] ${message}`, err))
  const bySite: Record<string, number> = Object.create(null) as Record<string, number>
  let total = 0
  return {
    report(where, err) {
      total += 1
      const seen = bySite[where] ?? 0
      bySite[where] = seen + 1
      if (seen === 0) {
        try {
          log(`${where} failed; further failures here are counted, not logged`, err)
        } catch {
          // A throwing logger must not turn a contained failure into an uncontained one.
        }
      }
    },
    counts: () => ({ total, bySite: { ...bySite } }),
  }
}

/**
 * Runs `fn` and returns its result, or reports the failure and returns `fallback`.
 * Wrap our own code with it, never the host's (`next()`, handlers): their errors stay theirs.
 */
export function guard<T>(failures: FailureLog, where: string, fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch (err) {
    failures.report(where, err)
    return fallback
  }
}
