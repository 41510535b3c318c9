import type { ComplianceTag, EventCategory, EventOutcome, EventSeverity } from '@echotrail/core'

/** The fields an event may omit and the collector derives (DESIGN §2). */
export interface Classification {
  action: string
  category: EventCategory
  severity: EventSeverity
  outcome: EventOutcome
  compliance_tags: ComplianceTag[]
}

/** The parts of an event the classification reads. */
export interface ClassifiableEvent {
  action?: string | undefined
  category?: EventCategory | undefined
  severity?: EventSeverity | undefined
  outcome?: EventOutcome | undefined
  compliance_tags?: ComplianceTag[] | undefined
  method?: string | undefined
  path?: string | undefined
  route?: string | undefined
  status_code?: number | undefined
  error_message?: string | undefined
  orphan?: boolean | undefined
  resource_type?: string | undefined
}

// Ordered: the first rule whose pattern matches the action (or, for request events,
// the route/path) names the category. Patterns look at word parts so `key.created`,
// `ApiKeyCreated` and `/api/keys` land in the same place.
const CATEGORY_RULES: readonly [RegExp, EventCategory][] = [
  [/^system\.|^system$|\b(cron|heartbeat|alert)\b/i, 'SYSTEM'],
  [/login|logout|sign.?(in|out|up)|session|password|mfa|2fa|otp|sso|oauth|\bauth/i, 'AUTH'],
  [/\b(api.?)?keys?\b|secret|token|credential|security|firewall|ip.?allow/i, 'SECURITY'],
  [/role|permission|grant|revoke.?access|acl|polic(y|ies)/i, 'PERMISSION'],
  [/tenant|organi[sz]ation|\borg\b|workspace/i, 'TENANT_MGMT'],
  [/user|member|invite|profile|account/i, 'USER_MGMT'],
  [/subscription|billing|invoice|payment|plan|checkout/i, 'SUBSCRIPTION'],
  [/compliance|audit|export|report|retention|gdpr|consent/i, 'COMPLIANCE'],
  [/file|upload|download|attachment|document|bucket/i, 'FILE_OPS'],
  [/\bai\b|llm|model|prompt|completion|embedding|agent|inference/i, 'AI_USAGE'],
  [/deploy|infra|cluster|shard|node|server|database|backup|restore|scale|\bfix\b|incident|outage/i, 'INFRASTRUCTURE'],
]

const DESTRUCTIVE = /hard.?delete|destroy|purge|wipe|drop|terminate/i
const DELETE_LIKE = /delete|remove|revoke|disable|suspend/i

// Splits camel case so /key/ style patterns see `Api Key Created` in `ApiKeyCreated`.
function words(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[._/:-]+/g, ' ')
}

// A plain request is data access or modification by its method; only sign-in and file
// transfer endpoints are recognisable enough by path to say more (GET /api/users reads
// data; it does not manage users).
const REQUEST_RULES: readonly [RegExp, EventCategory][] = [
  [/login|logout|sign.?(in|out|up)|oauth|\bauth\b|\bsso\b|password|\bmfa\b|\btoken\b/i, 'AUTH'],
  [/upload|download|\bfiles?\b|attachment/i, 'FILE_OPS'],
]
// Every match of a REQUEST_RULES pattern holds one of these letter runs, and `words`
// only adds spaces and turns separators into spaces, so it never joins letters that
// were apart: a route or path without any of them needs neither the split nor the
// rules. Most request events are such plain reads and writes.
const REQUEST_RULE_HINT = /log|sign|auth|sso|password|mfa|token|load|file|attachment/i

function deriveCategory(event: ClassifiableEvent, action: string, isRequest: boolean): EventCategory {
  if (isRequest) {
    const target = event.route ?? event.path ?? ''
    if (REQUEST_RULE_HINT.test(target)) {
      const subject = words(target)
      for (const [pattern, category] of REQUEST_RULES) if (pattern.test(subject)) return category
    }
    const method = event.method ?? 'GET'
    return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'DATA_ACCESS' : 'DATA_MODIFY'
  }
  const subject = words(`${action} ${event.resource_type ?? ''}`)
  for (const [pattern, category] of CATEGORY_RULES) if (pattern.test(subject)) return category
  return DELETE_LIKE.test(action) ? 'DATA_MODIFY' : 'API_ACCESS'
}

function deriveOutcome(event: ClassifiableEvent): EventOutcome {
  if (event.orphan) return 'failure'
  if (event.status_code !== undefined) return event.status_code >= 400 ? 'failure' : 'success'
  return event.error_message ? 'failure' : 'success'
}

function deriveSeverity(event: ClassifiableEvent, action: string, outcome: EventOutcome, category: EventCategory): EventSeverity {
  const status = event.status_code
  if (status !== undefined && status >= 500) return 'ERROR'
  if (DESTRUCTIVE.test(action)) return 'CRITICAL'
  if (outcome === 'failure') {
    // A refused login or access attempt matters more than a 404.
    if (status === 401 || status === 403 || category === 'AUTH' || category === 'SECURITY') return 'WARNING'
    return status !== undefined && status < 500 ? 'WARNING' : 'ERROR'
  }
  if (outcome === 'warning') return 'WARNING'
  if ((category === 'SECURITY' || category === 'PERMISSION') && DELETE_LIKE.test(action)) return 'WARNING'
  return 'INFO'
}

const TAGS_BY_CATEGORY: Partial<Record<EventCategory, readonly ComplianceTag[]>> = {
  AUTH: ['SOX', 'ISO27001'],
  SECURITY: ['SOX', 'ISO27001'],
  PERMISSION: ['SOX', 'ISO27001'],
  USER_MGMT: ['GDPR', 'ISO27001'],
  TENANT_MGMT: ['SOX'],
  SUBSCRIPTION: ['SOX', 'PCI_DSS'],
  COMPLIANCE: ['SOX', 'GDPR'],
  DATA_MODIFY: ['SOX'],
}
const HEALTH = /patient|health|medical|clinical|diagnos|prescription|\bphi\b/i
const CARD = /card|payment|\bpan\b/i

// Neither pattern can match across the space that once joined these fields, so each
// field is tested on its own instead of building the joined text for every event.
const mentions = (pattern: RegExp, event: ClassifiableEvent): boolean =>
  pattern.test(event.route ?? event.path ?? '') || pattern.test(event.action ?? '') || pattern.test(event.resource_type ?? '')

function deriveTags(event: ClassifiableEvent, category: EventCategory): ComplianceTag[] {
  const tags = [...(TAGS_BY_CATEGORY[category] ?? [])]
  if (mentions(HEALTH, event) && !tags.includes('HIPAA')) tags.push('HIPAA')
  if (mentions(CARD, event) && !tags.includes('PCI_DSS')) tags.push('PCI_DSS')
  return tags.sort()
}

/**
 * Fills in action, category, severity, outcome and compliance tags where the event
 * did not give them. Given values always win. The rules are documented in the README.
 */
export function classify(event: ClassifiableEvent, defaultAction: string): Classification {
  const isRequest = event.action === undefined || event.action === defaultAction
  const action = event.action ?? defaultAction
  const outcome = event.outcome ?? deriveOutcome(event)
  const category = event.category ?? deriveCategory(event, action, isRequest && event.path !== undefined)
  const severity = event.severity ?? deriveSeverity(event, action, outcome, category)
  const compliance_tags = event.compliance_tags ?? deriveTags(event, category)
  return { action, category, severity, outcome, compliance_tags }
}
