// setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Runs `callback` once after `delayMs` and returns a function that cancels it.
 * The timer is unref'd where the platform supports it (Node): a pending audit flush
 * must never keep a finished script or a draining server alive.
 */
export function startTimer(callback: () => void, delayMs: number): () => void {
  const handle = setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_MS))
  ;(handle as unknown as { unref?: () => void }).unref?.()
  return () => clearTimeout(handle)
}
