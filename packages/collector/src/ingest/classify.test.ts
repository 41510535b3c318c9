import { describe, expect, it } from 'vitest'
import { classify } from './classify.js'

const A = 'http.request'

describe('classify', () => {
  it('treats a plain GET as data access and a POST as data modification', () => {
    expect(classify({ method: 'GET', path: '/api/users', status_code: 200 }, A)).toMatchObject({
      action: A,
      category: 'DATA_ACCESS',
      severity: 'INFO',
      outcome: 'success',
    })
    expect(classify({ method: 'POST', path: '/api/orders', status_code: 201 }, A).category).toBe('DATA_MODIFY')
  })

  it('recognises sign-in endpoints as AUTH and a refused one as a warning', () => {
    expect(classify({ method: 'POST', path: '/auth/login', status_code: 401 }, A)).toMatchObject({
      category: 'AUTH',
      outcome: 'failure',
      severity: 'WARNING',
    })
  })

  it('makes a 5xx an ERROR failure', () => {
    expect(classify({ method: 'GET', path: '/x', status_code: 503 }, A)).toMatchObject({ outcome: 'failure', severity: 'ERROR' })
  })

  it('makes an orphaned browser request a failure', () => {
    expect(classify({ method: 'GET', path: '/x', orphan: true }, A).outcome).toBe('failure')
  })

  it('derives the category of explicit actions from their name', () => {
    expect(classify({ action: 'key.created' }, A).category).toBe('SECURITY')
    expect(classify({ action: 'ApiKeyRevoked' }, A)).toMatchObject({ category: 'SECURITY', severity: 'WARNING' })
    expect(classify({ action: 'user.invited' }, A).category).toBe('USER_MGMT')
    expect(classify({ action: 'fix.dispatched' }, A).category).toBe('INFRASTRUCTURE')
    expect(classify({ action: 'role.granted' }, A).category).toBe('PERMISSION')
  })

  it('makes destructive actions CRITICAL', () => {
    expect(classify({ action: 'HardDeleteTenant' }, A)).toMatchObject({ category: 'TENANT_MGMT', severity: 'CRITICAL' })
  })

  it('never overrides what the event gave', () => {
    const given = classify(
      { action: 'HardDeleteTenant', category: 'COMPLIANCE', severity: 'INFO', outcome: 'warning', compliance_tags: ['HIPAA'] },
      A,
    )
    expect(given).toEqual({ action: 'HardDeleteTenant', category: 'COMPLIANCE', severity: 'INFO', outcome: 'warning', compliance_tags: ['HIPAA'] })
  })

  it('tags compliance frameworks from category and content', () => {
    expect(classify({ action: 'role.granted' }, A).compliance_tags).toEqual(['ISO27001', 'SOX'])
    expect(classify({ method: 'GET', path: '/patients/1', status_code: 200 }, A).compliance_tags).toContain('HIPAA')
  })
})
