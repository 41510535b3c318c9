import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classify } from './classify.js'

// The request rules and tag rules as first written (split every subject into words,
// join the tagged fields with spaces, a Set for the tags): the shortcuts in classify.ts
// must give the same answer for every input.
const REQUEST_RULES: [RegExp, string][] = [
  [/login|logout|sign.?(in|out|up)|oauth|\bauth\b|\bsso\b|password|\bmfa\b|\btoken\b/i, 'AUTH'],
  [/upload|download|\bfiles?\b|attachment/i, 'FILE_OPS'],
]
const words = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[._/:-]+/g, ' ')
function referenceRequestCategory(path: string, method: string): string {
  const subject = words(path)
  for (const [pattern, category] of REQUEST_RULES) if (pattern.test(subject)) return category
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'DATA_ACCESS' : 'DATA_MODIFY'
}
const BASE_TAGS: Record<string, string[]> = { AUTH: ['SOX', 'ISO27001'], DATA_MODIFY: ['SOX'] }
function referenceTags(category: string, path: string, resourceType: string | undefined): string[] {
  const tags = new Set(BASE_TAGS[category] ?? [])
  const subject = `${path} ${'http.request'} ${resourceType ?? ''}`
  if (/patient|health|medical|clinical|diagnos|prescription|\bphi\b/i.test(subject)) tags.add('HIPAA')
  if (/card|payment|\bpan\b/i.test(subject)) tags.add('PCI_DSS')
  return [...tags].sort()
}

// Paths built from the words the rules look for, in every case and with every separator.
const WORDS = ['login', 'Log', 'out', 'sign', 'In', 'up', 'oauth', 'auth', 'sso', 'SSO', 'password', 'mfa', 'token', 'upload',
  'download', 'file', 'files', 'attachment', 'users', 'api', 'v1', 'Patient', 'phi', 'card', 'pan', 'x', '1', 'A', 'b']
const SEPARATORS = ['/', '.', '_', '-', ':', '', ' ']
const pathArb = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 6 })
  .map((parts) => parts.map(([w, sep]) => sep + w).join(''))
const eventArb = fc.record({
  path: fc.oneof(pathArb, fc.string({ maxLength: 20 })),
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE', 'OPTIONS'),
  resource_type: fc.option(fc.oneof(pathArb, fc.constantFrom('patients', 'cards')), { nil: undefined }),
})

describe('classify of request events', () => {
  it('gives the category and compliance tags of the reference rules', () => {
    fc.assert(
      fc.property(eventArb, ({ path, method, resource_type }) => {
        const event = { path, method, status_code: 200, ...(resource_type === undefined ? {} : { resource_type }) }
        const got = classify(event, 'http.request')
        const category = referenceRequestCategory(path, method)
        expect(got.category).toBe(category)
        expect(got.compliance_tags).toEqual(referenceTags(category, path, resource_type))
      }),
      { numRuns: 5_000 },
    )
  })
})
