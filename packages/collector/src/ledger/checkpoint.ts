import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { toHex } from '@echotrail/core'
import { StartupError } from '../errors.js'

/**
 * The text a checkpoint signature covers. A fixed, line-based format so anyone can
 * check a signature with standard tools:
 * `echotrail-checkpoint/v1\n<project_id>\n<last_seq>\n<head hex>\n`.
 */
export function checkpointText(projectId: string, lastSeq: number, head: Uint8Array): string {
  return `echotrail-checkpoint/v1\n${projectId}\n${lastSeq}\n${toHex(head)}\n`
}

/** Reads an Ed25519 private key from PEM or from base64 of its PKCS#8 DER. */
export function loadSigningKey(text: string): KeyObject {
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' })
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key (${key.asymmetricKeyType})`)
    return key
  } catch (err) {
    throw new StartupError('ET_CONFIG_INVALID', 'ECHOTRAIL_SIGNING_KEY is not an Ed25519 private key (PKCS#8 PEM or base64 DER).', { cause: err })
  }
}

/** Makes the signer the group committer calls once per ledger row. */
export function createCheckpointSigner(privateKey: KeyObject) {
  return (projectId: string, lastSeq: number, head: Uint8Array): Uint8Array =>
    sign(null, Buffer.from(checkpointText(projectId, lastSeq, head)), privateKey)
}

/** Checks a checkpoint signature with the public half of the signing key. */
export function verifyCheckpoint(publicKey: KeyObject, projectId: string, lastSeq: number, head: Uint8Array, signature: Uint8Array): boolean {
  return verify(null, Buffer.from(checkpointText(projectId, lastSeq, head)), publicKey, signature)
}

/** The public key matching a signing key. */
export const publicKeyOf = (privateKey: KeyObject): KeyObject => createPublicKey(privateKey)
