import type { Issue } from '../errors.js'

/** zod issues in the answer's shape: paths of strings and indexes, message, code. */
export function toIssues(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]): Issue[] {
  return issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
    ...(i.code ? { code: i.code } : {}),
  }))
}
