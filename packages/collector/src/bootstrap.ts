import { GENESIS_HEAD } from '@echotrail/core'
import { createApiKey, countProjects, createProject } from './auth/keys.repo.js'
import type { Db } from './db/db.js'

/** What the first start made: shown once, then only its SHA-256 exists. */
export interface FirstStart {
  projectId: string
  projectName: string
  secretKey: string
}

/**
 * On an empty data store, creates the default project and one secret key. Runs in a
 * transaction with an advisory lock, so two collectors starting together make one.
 */
export async function bootstrapIfEmpty(db: Db, projectName: string): Promise<FirstStart | undefined> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7271002)')
    if ((await countProjects(tx)) > 0) return undefined
    const project = await createProject(tx, projectName, GENESIS_HEAD)
    const { key } = await createApiKey(tx, { projectId: project.id, kind: 'secret', name: 'first key' })
    return { projectId: project.id, projectName: project.name, secretKey: key.value }
  })
}
