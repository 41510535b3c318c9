import { describe, expect, it } from 'vitest'
import { compileUrlRules, isHealthCheck } from './url-rules'

describe('compileUrlRules', () => {
  it('matches every URL of a listed origin', () => {
    const match = compileUrlRules(['https://api.example.com'])
    expect(match('https://api.example.com')).toBe(true)
    expect(match('https://api.example.com/users?id=1')).toBe(true)
  })

  it('does not let an origin match a longer host that starts with it', () => {
    const match = compileUrlRules(['https://api.example.com'])
    expect(match('https://api.example.com.evil.net/x')).toBe(false)
    expect(match('https://api.example.co')).toBe(false)
  })

  it('matches RegExp rules anywhere in the URL', () => {
    expect(compileUrlRules([/\/internal\//])('https://a.test/internal/x')).toBe(true)
  })

  it('matches nothing without rules', () => {
    expect(compileUrlRules([])('https://a.test/')).toBe(false)
  })
})

describe('isHealthCheck', () => {
  it('recognises the health-check paths that are never recorded', () => {
    for (const path of ['/health', '/healthz', '/ready', '/readyz/', '/metrics']) expect(isHealthCheck(path)).toBe(true)
    expect(isHealthCheck('/api/health-records')).toBe(false)
  })
})
