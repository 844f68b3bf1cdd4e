/**
 * The artifact summary kept with each version: the manifest facts listings and audits
 * need without downloading the blob.
 *
 * @module
 */
import type { ArtifactSummary } from '../storage/contracts';
import type { RegistrableManifest } from './types';

/** Picks the summary fields out of a manifest, ignoring anything malformed. */
export function summarize(manifest: RegistrableManifest | undefined): ArtifactSummary {
  const m = manifest ?? {};
  const out: ArtifactSummary = {};
  if (typeof m.modelType === 'string') out.modelType = m.modelType;
  if (typeof m.task === 'string') out.task = m.task;
  if (typeof m.createdAt === 'string') out.createdAt = m.createdAt;
  if (typeof m.trainingData?.fingerprint === 'string') out.dataFingerprint = m.trainingData.fingerprint;
  if (typeof m.runRecord?.runId === 'string') out.runId = m.runRecord.runId;
  if (m.metrics !== undefined && typeof m.metrics === 'object') {
    const metrics = Object.entries(m.metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
    if (metrics.length > 0) out.metrics = Object.fromEntries(metrics);
  }
  return out;
}
