import type { AuditEvent } from '@echotrail/core'
import { describe, expect, it } from 'vitest'
import { createRequestCapture } from './capture/request-capture'
import type { NodeClient } from './client'
import { createClient } from './client'
import { isEchotrailError } from './index'

describe('the Node client', () => {
  it('reports invalid options as ET_CONFIG_INVALID and stays a disabled no-op without a key', () => {
    const logged: unknown[] = []
    const client = createClient({ apiKey: '', endpoint: 'ftp://nope', logger: (_message, error) => logged.push(error) })
    expect(client.enabled).toBe(false)
    expect(() => client.action({ action: 'key.created' })).not.toThrow()
    expect(logged).toHaveLength(1)
    expect(isEchotrailError(logged[0]) && logged[0].code).toBe('ET_CONFIG_INVALID')
    expect(client.stats().failuresBySite).toEqual({ config: 2 })
  })

  it('reports invalid capture options as ET_CONFIG_INVALID and falls back to their default', () => {
    const logged: unknown[] = []
    const client = createClient({ apiKey: 'et_sk_unit', endpoint: 'http://127.0.0.1:1', reportDrops: false, logger: (_message, error) => logged.push(error) })
    const capture = createRequestCapture({ client, sampleRate: 2, maxBodyBytes: -1 })
    expect(capture.options).toMatchObject({ sampleRate: 1, maxBodyBytes: 8_192 })
    expect(logged.map((e) => isEchotrailError(e) && e.code)).toEqual(['ET_CONFIG_INVALID'])
    expect(client.stats().failuresBySite).toEqual({ 'capture.config': 2 })
    void client.shutdown(0)
  })

  it('hands request events to a client it did not make through its enqueue, masked', () => {
    const received: AuditEvent[] = []
    const own = createClient({ apiKey: 'et_sk_unit', endpoint: 'http://127.0.0.1:1', logger: () => {} })
    // A wrapper or test double: the public interface only.
    const foreign: NodeClient = { ...own, enqueue: (event) => (received.push(event), true) }
    const capture = createRequestCapture({ client: foreign })
    capture.begin({}, 'GET', '/reset?token=abc&page=2', { 'user-agent': 'Bearer abcdefgh12345678' }, '10.0.0.1')!.end(204)
    expect(received).toEqual([
      expect.objectContaining({ method: 'GET', path: '/reset', status_code: 204, query_params: { token: '********', page: '2' }, user_agent: 'Bearer ********', ip: '10.0.0.1' }),
    ])
    void own.shutdown(0)
  })
})
