/**
 * The default decoder of loaded bytes: `ModelArtifact.fromBytes`, imported on first use
 * so that registry operations that never decode (promotion, listing, gc) do not load
 * the model code.
 *
 * @module
 */
import type { ModelArtifact } from '../artifact/index';

/** What `Registry.load` returns unless a `decode` option says otherwise. */
export type DefaultArtifact = ModelArtifact;

/** Decodes and verifies artifact bytes with `ModelArtifact.fromBytes`. @internal */
export async function defaultDecoder(bytes: Uint8Array, options: { expectedDigest: string }): Promise<ModelArtifact> {
  const { ModelArtifact } = await import('../artifact/index');
  return ModelArtifact.fromBytes(bytes, { expectedDigest: options.expectedDigest });
}
