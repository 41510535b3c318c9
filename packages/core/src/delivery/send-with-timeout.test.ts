import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isEchotrailError } from '../errors'
import { encodeBatch } from './encode-batch'
import { sendWithTimeout } from './send-with-timeout'
import type { SendOutcome, Transport } from './transport'

const batch = encodeBatch([{ json: '{"n":1}', bytes: 7 }])
const never = (): Promise<SendOutcome> => new Promise<SendOutcome>(() => {})

describe('sendWithTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("passes the transport's outcome through", async () => {
    const onMishap = vi.fn()
    const attempt = sendWithTimeout({ send: async () => ({ ok: false, status: 429, retryAfterMs: 5 }) }, batch, 1_000, onMishap)
    expect(await attempt.outcome).toEqual({ ok: false, status: 429, retryAfterMs: 5 })
    expect(onMishap).not.toHaveBeenCalled()
  })

  it('turns a synchronous throw and a rejection into failed outcomes', async () => {
    const onMishap = vi.fn()
    const throwing: Transport = {
      send: () => {
        throw new Error('boom')
      },
    }
    const rejecting: Transport = { send: () => Promise.reject(new Error('boom')) }
    expect((await sendWithTimeout(throwing, batch, 1_000, onMishap).outcome).ok).toBe(false)
    expect((await sendWithTimeout(rejecting, batch, 1_000, onMishap).outcome).ok).toBe(false)
    expect(onMishap.mock.calls.map(([mishap]) => mishap)).toEqual(['threw', 'threw'])
  })

  it('treats a missing outcome as a failure', async () => {
    const onMishap = vi.fn()
    const transport = { send: async () => undefined } as unknown as Transport
    expect(await sendWithTimeout(transport, batch, 1_000, onMishap).outcome).toEqual({ ok: false })
    expect(onMishap).toHaveBeenCalledWith('no_outcome')
  })

  it('aborts the signal and gives up on a transport that ignores it once timeoutMs passes', async () => {
    let signal: AbortSignal | undefined
    const onMishap = vi.fn()
    const attempt = sendWithTimeout(
      {
        send: (_, s) => {
          signal = s
          return never()
        },
      },
      batch,
      1_000,
      onMishap,
    )
    await vi.advanceTimersByTimeAsync(999)
    expect(signal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const outcome = await attempt.outcome
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && isEchotrailError(outcome.error) && outcome.error.code).toBe('ET_SEND_TIMEOUT')
    expect(onMishap).toHaveBeenCalledWith('timeout')
  })

  it('resolves at once when aborted from outside', async () => {
    const attempt = sendWithTimeout({ send: never }, batch, 60_000, vi.fn())
    attempt.abort('shutdown')
    expect(await attempt.outcome).toEqual({ ok: false, error: 'shutdown' })
  })
})
