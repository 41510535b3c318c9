// A tiny local API that also serves the example page and the SDK's IIFE build.
// Usage: ECHOTRAIL_PUBLISHABLE_KEY=et_pk_… ECHOTRAIL_ENDPOINT=http://127.0.0.1:8081 node server.mjs
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const port = Number(process.env.PORT ?? 3000)
const key = process.env.ECHOTRAIL_PUBLISHABLE_KEY ?? ''
const endpoint = process.env.ECHOTRAIL_ENDPOINT ?? 'http://127.0.0.1:8081'
if (!key.startsWith('et_pk_')) {
  console.error('Set ECHOTRAIL_PUBLISHABLE_KEY to a publishable key for this page:')
  console.error(`  echotrail keys create --kind publishable --origin http://127.0.0.1:${port}`)
}

const sdkPath = require.resolve('@echotrail/browser/iife')
const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8')
  .replace('{{PUBLISHABLE_KEY}}', key)
  .replace('{{ENDPOINT}}', endpoint)

const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

const server = createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost')
  if (pathname === '/' || pathname === '/index.html') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
  if (pathname === '/echotrail.min.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(sdkPath))
  const user = /^\/api\/users\/(\w+)$/.exec(pathname)
  if (user && req.method === 'GET') return json(res, 200, { id: user[1], name: `User ${user[1]}` })
  if (pathname === '/api/orders' && req.method === 'POST') return json(res, 201, { id: `o_${Date.now().toString(36)}` })
  if (pathname === '/api/slow') return void setTimeout(() => json(res, 200, { slow: true }), 2_000)
  json(res, 404, { error: 'not found' })
})

server.listen(port, '127.0.0.1', () => {
  console.log(`Example page on http://127.0.0.1:${server.address().port}/ (events go to ${endpoint})`)
})
