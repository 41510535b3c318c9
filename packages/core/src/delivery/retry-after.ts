const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

// The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7).
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/
const RFC_850 = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/

/**
 * Parses a `Retry-After` header into the wait it asks for, in ms: delta-seconds
 * (`"120"`) or an HTTP-date (a date already past gives 0). Returns `undefined` for a
 * missing or malformed value, which callers treat as "no hint".
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.trim().toLowerCase()
  if (/^\d+$/.test(text)) return Number(text) * 1_000
  const dateMs = parseHttpDate(text, nowMs)
  return dateMs === undefined ? undefined : Math.max(0, dateMs - nowMs)
}

function parseHttpDate(text: string, nowMs: number): number | undefined {
  let m = IMF_FIXDATE.exec(text)
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  m = RFC_850.exec(text)
  if (m) return utc(fullYear(Number(m[3]), nowMs), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  m = ASCTIME.exec(text)
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!)
  return undefined
}

// RFC 9110: a two-digit year more than 50 years ahead is in the previous century.
function fullYear(twoDigits: number, nowMs: number): number {
  const nowYear = new Date(nowMs).getUTCFullYear()
  const year = nowYear - (nowYear % 100) + twoDigits
  return year > nowYear + 50 ? year - 100 : year
}

function utc(year: number, monthName: string, day: number, hh: string, mm: string, ss: string): number | undefined {
  const month = MONTHS.indexOf(monthName)
  const hours = Number(hh)
  const minutes = Number(mm)
  const seconds = Number(ss)
  if (month < 0 || hours > 23 || minutes > 59 || seconds > 60) return undefined
  const ms = Date.UTC(year, month, day, hours, minutes, Math.min(seconds, 59))
  // Date.UTC rolls 31 Feb over into March; such a date is malformed, not a hint.
  return new Date(ms).getUTCDate() === day ? ms : undefined
}
