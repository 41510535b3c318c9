// SDK CPU per captured event without bodies, in a process of its own (pinned by the parent
// like the apps): `tsx src/event-cost.ts <sinkUrl>`. Each request is a real node:http
// IncomingMessage/ServerResponse pair recorded by recordNodeRequest and ended by 'close',
// as in a server; events are masked, queued, batched, gzip-compressed (on the threadpool,
// which shares the pinned core) and delivered to the sink. The same loop without the SDK
// is the baseline subtracted. Prints `eventcost <µs per event>` (median of rounds).
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { createClient } from '@echotrail/node'
import { createRequestCapture, recordNodeRequest } from '@echotrail/node/http'

const [sink = 'http://127.0.0.1:1'] = process.argv.slice(2)
const ROUNDS = 7
const PER_ROUND = 40_000
// A server hands the event loop back between bursts of requests; timers and deliveries run then.
const BURST = 50
const FLUSH_AT_QUEUED = 5_000

const socket = new Socket()
Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' })
const headers = { host: '127.0.0.1:3000', 'user-agent': 'autocannon', accept: 'application/json' }
const client = createClient({ apiKey: 'et_sk_bench', endpoint: sink, service: 'bench', logger: () => {} })
const capture = createRequestCapture<IncomingMessage>({ client })
const hooks = { route: () => ({ route: '/users/:id' }) }

async function run(withSdk: boolean, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const req = new IncomingMessage(socket)
    req.method = 'GET'
    req.url = `/users/${i % 1000}?page=2`
    req.headers = headers
    const res = new ServerResponse(req)
    if (withSdk) recordNodeRequest(capture, req, req, res, hooks)
    res.statusCode = 200
    // What end() leaves behind once the response is written; 'close' then ends the record.
    res.finished = true
    res.emit('close')
    if (i % BURST === BURST - 1) {
      await yieldToLoop()
      // This loop makes requests faster than a server gets them; past half the queue
      // bound it waits for delivery (its CPU measured like the rest), so no event is
      // dropped for overflow and every one is counted with its delivery.
      if (withSdk && client.stats().queued >= FLUSH_AT_QUEUED) await client.flush()
    }
  }
}

const cpu = async (withSdk: boolean): Promise<number> => {
  const before = process.cpuUsage()
  await run(withSdk, PER_ROUND)
  const d = process.cpuUsage(before)
  return (d.user + d.system) / PER_ROUND
}

await run(true, PER_ROUND)
await run(false, PER_ROUND)
const costs: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  // Alternating which goes first, so drift in the machine's load favours neither.
  let withSdk: number
  let without: number
  if (round % 2 === 0) {
    withSdk = await cpu(true)
    without = await cpu(false)
  } else {
    without = await cpu(false)
    withSdk = await cpu(true)
  }
  costs.push(withSdk - without)
}
await client.shutdown()
costs.sort((x, y) => x - y)
process.stdout.write(`eventcost ${costs[Math.floor(costs.length / 2)]!.toFixed(3)} ${JSON.stringify({ sent: client.stats().sent, dropped: client.stats().dropped })}\n`)
