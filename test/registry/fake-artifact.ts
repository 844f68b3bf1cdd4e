/**
 * A tiny artifact codec for registry and storage tests that need many distinct
 * artifacts quickly (child processes, concurrency): bytes = JSON manifest line + payload.
 * Tests of the real format use ModelArtifact.
 */
import { createHash } from 'node:crypto';
import { MlopsError } from '../../src/errors';
import type { RegistrableArtifact, RegistrableManifest } from '../../src/registry/index';

export interface FakeArtifact extends RegistrableArtifact {
  manifest: RegistrableManifest & { label: string };
}

export function fakeFromBytes(bytes: Uint8Array): FakeArtifact {
  const digest = createHash('sha256').update(bytes).digest('hex');
  const newline = bytes.indexOf(10);
  const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline))) as FakeArtifact['manifest'];
  return { digest, manifest, toBytes: () => bytes.slice() };
}

/** An artifact labelled `label`, with `payloadBytes` of deterministic filler after the manifest. */
export function fakeArtifact(label: string, payloadBytes = 256, manifest: Partial<RegistrableManifest> = {}): FakeArtifact {
  const head = new TextEncoder().encode(`${JSON.stringify({ label, modelType: 'fake', task: 'binary', ...manifest })}\n`);
  const bytes = new Uint8Array(head.length + payloadBytes);
  bytes.set(head);
  let x = createHash('sha256').update(label).digest().readUInt32LE(0) || 1;
  for (let i = head.length; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return fakeFromBytes(bytes);
}

/** Decoder for the registry's `decode` option; verifies the digest like ModelArtifact.fromBytes. */
export async function fakeDecoder(bytes: Uint8Array, options: { expectedDigest: string }): Promise<FakeArtifact> {
  const artifact = fakeFromBytes(bytes);
  if (artifact.digest !== options.expectedDigest) throw new MlopsError('ARTIFACT_INTEGRITY', 'digest mismatch');
  return artifact;
}
