// The collector stand-in: accepts every batch with a 202 and counts the events it received,
// so the bench can check that every request was recorded. It runs in the load generator's
// process: the real collector would compete with the app or the load for the two cores.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

const EVENT_MARK = Buffer.from('"event_id":')

/** A started sink: its URL and the number of events received so far. */
export interface Sink {
  url: string
  events(): number
  close(): void
}

/** Starts the sink on a free loopback port. */
export async function startSink(): Promise<Sink> {
  let events = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.url === '/v1/audit/batch') {
        let body = Buffer.concat(chunks)
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
        // Counting a mark every event starts with is enough here and far cheaper than parsing.
        for (let at = body.indexOf(EVENT_MARK); at !== -1; at = body.indexOf(EVENT_MARK, at + 1)) events += 1
      }
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":0,"duplicates":0,"rejected":[]}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events: () => events,
    close: () => server.close(),
  }
}
