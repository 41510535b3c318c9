import { request, type Agent } from 'node:http'
import { expect } from 'vitest'
import { COLLECTOR_ERRORS, type CollectorErrorCode } from '../../src/errors.js'

/** A request as sent on the wire: no header is added, nothing is encoded for us. */
export interface RawRequest {
  method?: string
  /** Path and query, e.g. `/v1/audit?key=…`. */
  path: string
  headers?: Record<string, string>
  body?: Buffer | string
}

/** What came back. */
export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/**
 * Sends one request with node:http, so tests control every header and byte (fetch
 * would add a Content-Type to string bodies and refuses some headers).
 */
export function rawRequest(baseUrl: string, req: RawRequest, agent?: Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}${req.path}`,
      { method: req.method ?? 'POST', headers: req.headers ?? {}, ...(agent ? { agent } : {}) },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      },
    )
    outgoing.on('error', reject)
    outgoing.end(req.body)
  })
}

/** The body of every error answer, exactly: `{"error": {"code", "message", "issues"?}}`. */
export interface ErrorBody {
  error: { code: CollectorErrorCode; message: string; issues?: { path: (string | number)[]; message: string; code?: string }[] }
}

/**
 * Parses an error answer and checks its contract: JSON of exactly the error shape, a known
 * code whose table status is the HTTP status, and no stack trace. Returns the body.
 */
export function expectErrorShape(res: RawResponse, context = ''): ErrorBody {
  let body: unknown
  expect(() => (body = JSON.parse(res.text)), `${context} answer is JSON: ${res.text.slice(0, 200)}`).not.toThrow()
  expect(String(res.headers['content-type']), context).toMatch(/^application\/json/)
  const b = body as Record<string, unknown>
  expect(Object.keys(b), context).toEqual(['error'])
  const error = b.error as Record<string, unknown>
  expect(Object.keys(error).sort(), context).toSatisfy((keys: string[]) => keys.join() === 'code,message' || keys.join() === 'code,issues,message')
  expect(typeof error.message, context).toBe('string')
  expect(Object.keys(COLLECTOR_ERRORS), `${context} code ${String(error.code)} is in the table`).toContain(error.code)
  expect(COLLECTOR_ERRORS[error.code as CollectorErrorCode].status, `${context} status of ${String(error.code)}`).toBe(res.status)
  if ('issues' in error) {
    expect(Array.isArray(error.issues), context).toBe(true)
    for (const issue of error.issues as Record<string, unknown>[]) {
      expect(Array.isArray(issue.path) && typeof issue.message === 'string', `${context} issue ${JSON.stringify(issue)}`).toBe(true)
    }
  }
  // A stack trace names frames ("at fn (file:line)") or source files.
  expect(res.text, context).not.toMatch(/\bat \S+ \(|\.[cm]?[jt]s:\d+|node:internal|Error:/)
  return body as ErrorBody
}
