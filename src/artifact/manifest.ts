/**
 * The manifest: what an artifact is, where it came from, and how good it was. Plain JSON,
 * written into the header and readable without loading the model.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { DatasetProfile } from '../dataset/profile';
import type { RunRecord } from '../models/model';
import type { Task } from '../models/types';
import { canonicalJSON } from './canonical-json';

/** The training data an artifact was fitted on: identity and reference statistics. */
export interface TrainingDataInfo {
  /** SHA-256 fingerprint of the training data's model columns (features and target). */
  fingerprint: string;
  /** Training rows. */
  rows: number;
  /** Columns fingerprinted and profiled. */
  columns: string[];
  /** Reference statistics: the baseline a DriftMonitor compares live traffic with. */
  profile?: DatasetProfile;
}

/** Everything known about an artifact besides its weights. */
export interface ArtifactManifest {
  /** Human-readable name (default: `<target>-<modelType>`). */
  name: string;
  /** Model family (`logistic`, `gbdt`, ...) or runtime (`onnx`). */
  modelType: string;
  /** What the model predicts. */
  task: Task;
  /** Target column, when known. */
  target?: string;
  /** mlops-kit version that wrote the artifact. */
  libraryVersion: string;
  /** ISO-8601 time the artifact was created. */
  createdAt: string;
  /** Training data fingerprint and profile. */
  trainingData?: TrainingDataInfo;
  /** How the model was trained (seed, parameters, history, durations). */
  runRecord?: RunRecord;
  /** Headline metrics (name to value), e.g. from the evaluation report. */
  metrics?: Record<string, number>;
  /** The full evaluation report, as JSON. */
  evaluation?: Record<string, unknown>;
  /** Free-form labels (`team: risk`, `ticket: ML-42`). */
  tags: Record<string, string>;
  /** Any JSON the user wants to keep with the model. */
  metadata: Record<string, unknown>;
}

const MAX_NAME = 256;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a user-given artifact name. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME) {
    throw new MlopsError('INVALID_ARGUMENT', `An artifact name must be a non-empty string of at most ${MAX_NAME} characters, got ${JSON.stringify(name)}.`);
  }
  return name;
}

/** An ISO-8601 creation time from a user's Date or string (default now). */
export function createdAtISO(value: Date | string | undefined): string {
  if (value === undefined) return new Date().toISOString();
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new MlopsError('INVALID_ARGUMENT', `createdAt must be a Date or an ISO date string, got ${JSON.stringify(value)}.`);
  return d.toISOString();
}

/** Checks user metadata: a plain object (its values are stored as JSON). */
export function checkMetadata(metadata: unknown): Record<string, unknown> {
  if (metadata === undefined) return {};
  if (!isPlainObject(metadata)) throw new MlopsError('INVALID_ARGUMENT', 'metadata must be a plain object of JSON values.');
  return metadata;
}

/** Checks user tags: string keys to string values. */
export function checkTags(tags: unknown): Record<string, string> {
  if (tags === undefined) return {};
  if (!isPlainObject(tags) || !Object.values(tags).every((v) => typeof v === 'string')) {
    throw new MlopsError('INVALID_ARGUMENT', 'tags must be an object of string values, e.g. { team: "risk" }.');
  }
  return { ...tags } as Record<string, string>;
}

/**
 * Turns any JSON-able value into plain JSON (numbers JSON cannot hold become `null`),
 * so the manifest in memory equals the manifest read back from the file.
 */
export function toPlainJSON<T>(value: T, what: string): T {
  return JSON.parse(canonicalJSON(value, 'null', what)) as T;
}

/** Checks a manifest read from a file; returns it typed. */
export function parseManifest(raw: unknown): ArtifactManifest {
  const bad = (why: string): MlopsError => new MlopsError('ARTIFACT_CORRUPT', `The artifact manifest is malformed: ${why}.`);
  if (!isPlainObject(raw)) throw bad('not an object');
  const m = raw;
  for (const key of ['name', 'modelType', 'libraryVersion', 'createdAt'] as const) if (typeof m[key] !== 'string') throw bad(`"${key}" is not a string`);
  if (m.target !== undefined && typeof m.target !== 'string') throw bad('"target" is not a string');
  if (!isPlainObject(m.tags) || !Object.values(m.tags).every((v) => typeof v === 'string')) throw bad('"tags" is not an object of strings');
  if (!isPlainObject(m.metadata)) throw bad('"metadata" is not an object');
  if (m.metrics !== undefined && (!isPlainObject(m.metrics) || !Object.values(m.metrics).every((v) => typeof v === 'number' || v === null))) throw bad('"metrics" is not an object of numbers');
  for (const key of ['evaluation', 'runRecord', 'trainingData'] as const) if (m[key] !== undefined && !isPlainObject(m[key])) throw bad(`"${key}" is not an object`);
  if (m.trainingData !== undefined) {
    const t = m.trainingData as Record<string, unknown>;
    if (typeof t.fingerprint !== 'string' || typeof t.rows !== 'number' || !Array.isArray(t.columns)) throw bad('"trainingData" lacks fingerprint, rows or columns');
  }
  return m as unknown as ArtifactManifest;
}
