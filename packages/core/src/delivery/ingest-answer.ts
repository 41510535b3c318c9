/**
 * Positions of the events a collector's 202 answer (`{"accepted", "duplicates",
 * "rejected": [{"index", "issues"}]}`) refused, for `SendOutcome.rejected`. Anything
 * unexpected reads as "none refused": the answer only refines what 202 already said.
 */
export function rejectedPositions(answer: unknown): number[] | undefined {
  const rejected = (answer as { rejected?: unknown } | null)?.rejected
  if (!Array.isArray(rejected) || rejected.length === 0) return undefined
  const positions: number[] = []
  for (const entry of rejected) {
    const index = (entry as { index?: unknown } | null)?.index
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0) positions.push(index)
  }
  return positions.length > 0 ? positions : undefined
}
