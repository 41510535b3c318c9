// Bundled for Chromium by queue-contract.test.ts: the core EventQueue contract against
// the IndexedDB queue in a real browser's IndexedDB.
import { runEventQueueContract } from '../../../core/test/event-queue-contract'
import { createIndexedDbQueue } from '../../src/idb-queue'
import { runCollected } from './vitest-shim'

let databases = 0
runEventQueueContract('IndexedDB in Chromium', () => createIndexedDbQueue(`contract-${Date.now()}-${++databases}`))
;(window as unknown as { runContract: typeof runCollected }).runContract = runCollected
