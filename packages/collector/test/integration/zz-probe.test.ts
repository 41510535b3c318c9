import { request } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { startTestCollector, type TestCollector } from '../support/collector.js'

const SEED = { path: '/api/users', method: 'GET', status_code: 200 }

function raw(url: string, path: string, headers: Record<string, string>, body: Buffer | string, method = 'POST'): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe.each(['postgres'] as const)('probe %s', (backend) => {
  let t: TestCollector
  beforeAll(async () => { t = await startTestCollector(backend) })
  afterAll(async () => { await t?.stop() })
  const show = async (label: string, res: Promise<unknown>) => {
    try {
      const r = (await res) as { status: number; text: unknown; headers: unknown }
      const text = typeof r.text === 'function' ? await (r as unknown as Response).text() : (r.text as string)
      console.log(backend, label, r.status, text.slice(0, 300))
    } catch (e) { console.log(backend, label, 'THREW', String(e), (e as {cause?: unknown}).cause) }
  }
  it('probes', async () => {
    const rnd = (n: number) => Array.from({ length: n }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('')
    await show('long service_name', t.post('/v1/audit', { ...SEED, service_name: rnd(4000) }))
    await show('long action', t.post('/v1/audit', { action: rnd(4000) }))
    await show('client report NUL reason', t.post('/v1/audit/client-report', { dropped: { 'a\u0000': 1 } }))
    await show('client report NUL sdk', t.post('/v1/audit/client-report', { dropped: { a: 1 }, sdk: { name: 'x\u0000', version: '1' } }))
    await show('client report surrogate', t.post('/v1/audit/client-report', { dropped: { 'a\ud800': 1 } }))
    await show('nul in body', t.post('/v1/audit', null, { raw: '{"path":"/a\\u0000","method":"GET","status_code":200,"x\\u0000":"\\ud800"}' }))
    await show('deep', t.post('/v1/audit', null, { raw: '['.repeat(100000) + ']'.repeat(100000) }))
    await show('deep obj', t.post('/v1/audit', null, { raw: '{"path":"/","method":"GET","status_code":200,"request_body":' + '['.repeat(100000) + ']'.repeat(100000) + '}' }))
    await show('deep batch', t.post('/v1/audit/batch', null, { raw: '{"events":' + '['.repeat(100000) + ']'.repeat(100000) + '}' }))
    await show('deep report', t.post('/v1/audit/client-report', null, { raw: '{"dropped":' + '{"a":'.repeat(50000) + '1' + '}'.repeat(50000) + '}' }))
    await show('1e400', t.post('/v1/audit', null, { raw: '{"path":"/","method":"GET","status_code":200,"request_body":1e400,"zz":[1e400,-1e400]}' }))
    await show('huge header', raw(t.url, '/v1/audit', { 'content-type': 'application/json', 'x-api-key': 'et_sk_' + 'a'.repeat(20000) }, '{}'))
    await show('huge url', raw(t.url, '/v1/audit?key=' + 'a'.repeat(20000), { 'content-type': 'application/json' }, '{}'))
    await show('bad pct path', raw(t.url, '/v1/%ZZ', { 'content-type': 'application/json', 'x-api-key': t.secretKey }, '{}'))
    await show('bad pct query', raw(t.url, '/v1/audit?key=%ZZ%', { 'content-type': 'application/json' }, '{}'))
    await show('key array', raw(t.url, '/v1/audit?key=a&key=b', { 'content-type': 'application/json' }, '{}'))
    await show('latin1 key', raw(t.url, '/v1/audit', { 'content-type': 'application/json', 'x-api-key': 'et_sk_\u00ff\u00fe' }, '{}'))
    await show('ct weird', raw(t.url, '/v1/audit', { 'content-type': 'application/json;;;=;charset', 'x-api-key': t.secretKey }, JSON.stringify(SEED)))
    await show('ct json+x', raw(t.url, '/v1/audit', { 'content-type': 'application/jsonx', 'x-api-key': t.secretKey }, JSON.stringify(SEED)))
    await show('ct text/plainfoo', raw(t.url, '/v1/audit', { 'content-type': 'text/plain-foo', 'x-api-key': t.secretKey }, JSON.stringify(SEED)))
    await show('ct empty', raw(t.url, '/v1/audit', { 'content-type': '', 'x-api-key': t.secretKey }, JSON.stringify(SEED)))
    await show('no ct', raw(t.url, '/v1/audit', { 'x-api-key': t.secretKey }, JSON.stringify(SEED)))
    await show('no ct empty', raw(t.url, '/v1/audit', { 'x-api-key': t.secretKey }, ''))
    await show('bad gzip', raw(t.url, '/v1/audit', { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': t.secretKey }, Buffer.from('nope')))
    await show('gzip trailing', raw(t.url, '/v1/audit', { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': t.secretKey }, Buffer.concat([gzipSync(JSON.stringify(SEED)), Buffer.from('garbage')])))
    await show('bomb', raw(t.url, '/v1/audit', { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': t.secretKey }, gzipSync(Buffer.alloc(6 * 1024 * 1024, 32))))
    await show('big', raw(t.url, '/v1/audit', { 'content-type': 'application/json', 'x-api-key': t.secretKey }, Buffer.alloc(6 * 1024 * 1024, 32)))
    await show('big chunked', new Promise((resolve, reject) => {
      const req = request(`${t.url}/v1/audit`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': t.secretKey } }, (res) => {
        const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode! })))
      })
      req.on('error', reject)
      for (let i = 0; i < 6; i++) req.write(Buffer.alloc(1024 * 1024, 32))
      req.end()
    }))
    await show('proto', t.post('/v1/audit', null, { raw: '{"path":"/","method":"GET","status_code":200,"__proto__":{"x":1},"metadata":{"__proto__":1,"extra":5},"constructor":1}' }))
    await show('huge event', t.post('/v1/audit', { ...SEED, request_body: Array.from({ length: 10 }, () => 'x'.repeat(10000)) }))
    await show('1001', t.post('/v1/audit', Array.from({ length: 1001 }, () => SEED)))
    await show('1001 batch', t.post('/v1/audit/batch', { events: Array.from({ length: 1001 }, () => SEED) }))
    await show('nested events key', t.post('/v1/audit/batch', null, { raw: '{"events":[1,"x",null,[]],"events2":1}' }))
    await show('ts weird', t.post('/v1/audit', { ...SEED, timestamp: '2024-02-30T25:00:00Z' }))
    await show('ts max', t.post('/v1/audit', { ...SEED, timestamp: 8_640_000_000_000_000 }))
    await show('rt huge', t.post('/v1/audit', null, { raw: '{"path":"/","method":"GET","status_code":200,"response_time":1e308}' }))
    await show('rt tiny', t.post('/v1/audit', null, { raw: '{"path":"/","method":"GET","status_code":200,"response_time":5e-324}' }))
    await show('status', t.post('/v1/audit', null, { raw: '{"path":"/","method":"GET","status_code":2e2}' }))
    await show('nil uuid', t.post('/v1/audit', { ...SEED, event_id: '00000000-0000-0000-0000-000000000000' }))
    await show('max uuid', t.post('/v1/audit', { ...SEED, event_id: 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF' }))
  })
})
