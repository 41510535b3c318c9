import { EchotrailError } from '../errors'
import { startTimer } from './timers'
import type { EncodedBatch, SendOutcome, Transport } from './transport'

/** How a send went wrong beyond an ordinary failed outcome. */
export type SendMishap = 'threw' | 'no_outcome' | 'timeout'

/** One call of `transport.send` under way. */
export interface SendAttempt {
  /** Resolves with the transport's outcome, or a failed one; never rejects. */
  readonly outcome: Promise<SendOutcome>
  /** Aborts the send (shutdown); `outcome` then resolves as failed at once. */
  abort(reason: unknown): void
}

/**
 * Calls `transport.send` once with a deadline. Its signal aborts after `timeoutMs`,
 * and a transport that ignores the signal is abandoned all the same, so a hung
 * socket can never stall delivery. A throw or a missing outcome becomes a failed
 * outcome (a network error, so retried) and is told to `onMishap`.
 */
export function sendWithTimeout(
  transport: Transport,
  batch: EncodedBatch,
  timeoutMs: number,
  onMishap: (mishap: SendMishap, error?: unknown) => void,
): SendAttempt {
  const controller = new AbortController()
  const abandoned = new Promise<SendOutcome>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve({ ok: false, error: controller.signal.reason }), {
      once: true,
    })
  })
  const cancelTimeout = startTimer(() => {
    controller.abort(new EchotrailError('ET_SEND_TIMEOUT', `send took longer than ${timeoutMs} ms`))
    onMishap('timeout')
  }, timeoutMs)
  const sent = Promise.resolve()
    .then(() => transport.send(batch, controller.signal))
    .then(
      (outcome): SendOutcome => {
        if (typeof outcome === 'object' && outcome !== null && typeof outcome.ok === 'boolean') return outcome
        onMishap('no_outcome')
        return { ok: false }
      },
      (error: unknown): SendOutcome => {
        onMishap('threw', error)
        return { ok: false, error }
      },
    )
  const outcome = Promise.race([sent, abandoned]).finally(cancelTimeout)
  return { outcome, abort: (reason) => controller.abort(reason) }
}
