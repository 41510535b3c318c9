/**
 * What the parity suite does in a page, with and without the SDK. Runs inside
 * Chromium (passed to page.evaluate), so it is self-contained and returns plain data.
 */
export async function pageScenario(refusedOrigin: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const errorName = (e: unknown): string => (e instanceof Error ? e.name : String(e))

  const json = await fetch('/api/json')
  out.json = [json.status, json.ok, json.headers.get('content-type'), await json.json()]

  const text = await fetch(new Request('/api/text', { method: 'POST', body: 'hello' }))
  out.text = [text.status, await text.text()]

  const blob = await (await fetch('/api/blob', { headers: { accept: 'image/png' } })).blob()
  out.blob = [blob.size, blob.type, [...new Uint8Array(await blob.arrayBuffer())]]

  const stream = await fetch('/api/stream')
  const reader = stream.body!.getReader()
  const decoder = new TextDecoder()
  let streamed = ''
  let chunks = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks += 1
    streamed += decoder.decode(value, { stream: true })
  }
  out.stream = [stream.status, streamed, chunks > 1]

  const redirected = await fetch('/api/redirect')
  out.redirect = [redirected.status, redirected.redirected, new URL(redirected.url).pathname]

  const missing = await fetch('/api/missing', { method: 'DELETE' })
  out.missing = [missing.status, await missing.text()]

  // A streamed request body: Chromium refuses it over HTTP/1.1, and must refuse it alike.
  try {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'))
        controller.close()
      },
    })
    const r = await fetch('/api/text', { method: 'PUT', body, duplex: 'half' } as RequestInit)
    out.uploadStream = ['answered', r.status]
  } catch (e) {
    out.uploadStream = ['rejected', errorName(e)]
  }

  const controller = new AbortController()
  const aborted = fetch('/api/slow', { signal: controller.signal })
  setTimeout(() => controller.abort(), 50)
  try {
    await aborted
    out.abort = 'answered'
  } catch (e) {
    out.abort = [errorName(e), controller.signal.aborted]
  }

  try {
    await fetch(`${refusedOrigin}/refused`)
    out.refused = 'answered'
  } catch (e) {
    out.refused = [errorName(e), e instanceof TypeError]
  }

  const xhr = (setup: (x: XMLHttpRequest) => void, method: string, url: string, body?: string) =>
    new Promise<unknown[]>((resolve) => {
      const x = new XMLHttpRequest()
      const seen: string[] = []
      const log = (e: Event) => {
        const last = seen[seen.length - 1]
        const entry = `${e.type}:${x.readyState}`
        // Progress events may come once or several times depending on timing.
        if (!(e.type === 'progress' && last === entry)) seen.push(entry)
      }
      for (const type of ['readystatechange', 'loadstart', 'progress', 'load', 'error', 'abort', 'timeout', 'loadend']) x.addEventListener(type, log)
      x.open(method, url)
      setup(x)
      x.addEventListener('loadend', () => {
        let response: unknown
        if (x.responseType === 'blob') response = (x.response as Blob | null)?.size
        else if (x.responseType === 'arraybuffer') response = (x.response as ArrayBuffer | null)?.byteLength
        else if (x.responseType === 'document') response = (x.response as Document | null)?.documentElement?.nodeName
        else if (x.responseType === 'json') response = x.response
        else response = x.responseText
        resolve([x.status, x.statusText, x.responseType, response, x.getResponseHeader('content-type'), seen])
      })
      x.send(body ?? null)
    })
  out.xhrText = await xhr(() => {}, 'POST', '/api/text', 'from xhr')
  out.xhrJson = await xhr((x) => (x.responseType = 'json'), 'GET', '/api/json')
  out.xhrBlob = await xhr((x) => (x.responseType = 'blob'), 'GET', '/api/blob')
  out.xhrBuffer = await xhr((x) => (x.responseType = 'arraybuffer'), 'GET', '/api/blob')
  out.xhrDocument = await xhr((x) => (x.responseType = 'document'), 'GET', '/api/xml')
  out.xhrAbort = await xhr((x) => setTimeout(() => x.abort(), 50), 'GET', '/api/slow')
  out.xhrTimeout = await xhr((x) => (x.timeout = 50), 'GET', '/api/slow')
  out.xhrRefused = await xhr(() => {}, 'GET', `${refusedOrigin}/refused-xhr`)
  return out
}

/** Requests `pageScenario` makes, as the collector should store them: [method, path, status or 'orphan']. */
export const SCENARIO_REQUESTS: [string, string, number | 'orphan'][] = [
  ['GET', '/api/json', 200],
  ['POST', '/api/text', 201],
  ['GET', '/api/blob', 200],
  ['GET', '/api/stream', 200],
  ['GET', '/api/redirect', 200],
  ['DELETE', '/api/missing', 404],
  ['PUT', '/api/text', 'orphan'],
  ['GET', '/api/slow', 'orphan'],
  ['GET', '/refused', 'orphan'],
  ['POST', '/api/text', 201],
  ['GET', '/api/json', 200],
  ['GET', '/api/blob', 200],
  ['GET', '/api/blob', 200],
  ['GET', '/api/xml', 200],
  ['GET', '/api/slow', 'orphan'],
  ['GET', '/api/slow', 'orphan'],
  ['GET', '/refused-xhr', 'orphan'],
]
