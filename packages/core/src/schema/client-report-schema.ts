import { z } from 'zod'

/**
 * Body of `POST /v1/audit/client-report`: how many events an SDK dropped, by reason, so a
 * gap in the trail shows in the dashboard instead of passing silently. Reasons are free
 * strings (the SDKs own that vocabulary); unknown top-level fields are ignored.
 */
export const clientReportSchema = z.object({
  dropped: z.record(z.string().min(1).max(100), z.int().nonnegative()),
  sdk: z
    .object({
      name: z.string().min(1).max(100),
      version: z.string().min(1).max(100),
    })
    .exactOptional(),
})

/** A parsed client report. */
export type ClientReport = z.infer<typeof clientReportSchema>
