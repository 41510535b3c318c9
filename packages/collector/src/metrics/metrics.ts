/** Counters and gauges of one collector process, rendered as Prometheus text. */
export interface Metrics {
  /** Adds `by` to a counter, optionally labelled. */
  inc(name: CounterName, by?: number, labels?: Record<string, string>): void
  /** Observes one commit. */
  observeCommit(events: number, requests: number, durationMs: number): void
  /** Prometheus text exposition format 0.0.4. */
  render(gauges: Record<string, number>): string
}

/** The counters the collector keeps. */
export type CounterName =
  | 'echotrail_ingest_requests_total'
  | 'echotrail_events_accepted_total'
  | 'echotrail_events_duplicate_total'
  | 'echotrail_events_rejected_total'
  | 'echotrail_client_reported_dropped_total'

const HELP: Record<CounterName | 'echotrail_commits_total' | 'echotrail_commit_events_total' | 'echotrail_commit_seconds_total', string> = {
  echotrail_ingest_requests_total: 'Ingest requests answered, by status code.',
  echotrail_events_accepted_total: 'Events committed.',
  echotrail_events_duplicate_total: 'Events not stored again because their event_id was already stored.',
  echotrail_events_rejected_total: 'Events rejected by validation.',
  echotrail_client_reported_dropped_total: 'Events SDKs reported they dropped, by reason.',
  echotrail_commits_total: 'Group commits.',
  echotrail_commit_events_total: 'Events carried by group commits.',
  echotrail_commit_seconds_total: 'Time spent in group commits.',
}

const labelText = (labels: Record<string, string> | undefined): string => {
  if (!labels) return ''
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

/** Creates an empty metrics registry. */
export function createMetrics(): Metrics {
  const counters = new Map<string, Map<string, number>>()
  let commits = 0
  let commitEvents = 0
  let commitSeconds = 0
  const add = (name: string, by: number, labels?: Record<string, string>) => {
    let series = counters.get(name)
    if (!series) counters.set(name, (series = new Map()))
    const key = labelText(labels)
    series.set(key, (series.get(key) ?? 0) + by)
  }
  return {
    inc: (name, by = 1, labels) => add(name, by, labels),
    observeCommit(events, _requests, durationMs) {
      commits++
      commitEvents += events
      commitSeconds += durationMs / 1000
    },
    render(gauges) {
      const lines: string[] = []
      for (const name of Object.keys(HELP) as (keyof typeof HELP)[]) {
        lines.push(`# HELP ${name} ${HELP[name]}`, `# TYPE ${name} counter`)
        if (name === 'echotrail_commits_total') lines.push(`${name} ${commits}`)
        else if (name === 'echotrail_commit_events_total') lines.push(`${name} ${commitEvents}`)
        else if (name === 'echotrail_commit_seconds_total') lines.push(`${name} ${commitSeconds}`)
        else {
          const series = counters.get(name)
          if (!series || series.size === 0) lines.push(`${name} 0`)
          else for (const [labels, value] of series) lines.push(`${name}${labels} ${value}`)
        }
      }
      for (const [name, value] of Object.entries(gauges)) lines.push(`# TYPE ${name} gauge`, `${name} ${value}`)
      return lines.join('\n') + '\n'
    },
  }
}
