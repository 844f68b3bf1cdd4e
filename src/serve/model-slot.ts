/**
 * The model a handler serves, and its hot reload: watch the alias, load and verify the
 * new version in the background, then switch with one assignment. A request takes the
 * served model once when it starts and uses it to the end, so it never sees half of a
 * switch; the version it used is closed only when its last request has finished.
 *
 * @module
 */
import { isMlopsError, MlopsError } from '../errors';
import type { ModelArtifact } from '../artifact/index';
import type { AliasWatcher, ModelVersion, Registry } from '../registry/index';
import type { PredictionSink, PredictHandlerOptions, ServeEvent, ServedModel, VerifyHook } from './types';
import type { ModelFacts, ServeMetrics } from './metrics';

/** The registry methods the handler uses (a `Registry` has them). */
export type ServingRegistry = Pick<Registry<ModelArtifact>, 'load' | 'watch'>;

/** Where the served model comes from. @internal */
export type ModelSource =
  | { kind: 'registry'; registry: ServingRegistry; name: string; alias: string; refreshMs: number }
  | { kind: 'artifact'; artifact: ModelArtifact };

/** A served model with its bookkeeping. @internal */
export interface SlotEntry {
  readonly model: ServedModel;
  /** The `"model":{...}` value of every response body, serialised once. */
  readonly json: string;
  /** Response headers naming the model. */
  readonly headers: Readonly<Record<string, string>>;
  readonly facts: ModelFacts;
  /** Where this version's predictions flow. */
  readonly sink: PredictionSink | undefined;
  /** Requests using it now. */
  pending: number;
  /** Replaced: close it when `pending` reaches 0. */
  retired: boolean;
}

/** Errors that say the version itself is bad (so retrying it is pointless). */
const PERMANENT = new Set(['REGISTRY_INTEGRITY', 'SERVE_RELOAD_FAILED']);
const isPermanent = (err: unknown): boolean => isMlopsError(err) && (PERMANENT.has(err.code) || err.code.startsWith('ARTIFACT_') || err.code === 'PIPELINE_INVALID');

/** A row of plausible values built from a signature, for the warm-up prediction. */
function warmUpRow(artifact: ModelArtifact): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const input of artifact.signature.inputs) {
    if (input.type === 'category') row[input.name] = input.categories?.[0] ?? (input.nullable ? null : '');
    else if (input.type === 'boolean') row[input.name] = false;
    else row[input.name] = 0;
  }
  return row;
}

/**
 * Checks a freshly loaded artifact before it is served: its digest is the one the
 * registry recorded, it predicts a row of plausible values with finite outputs, and the
 * user's `verify` hook accepts it. Throws `SERVE_RELOAD_FAILED`.
 */
async function verifyArtifact(artifact: ModelArtifact, facts: ModelFacts, verify: VerifyHook | undefined): Promise<void> {
  const what = facts.version === null ? facts.name : `${facts.name}/${facts.version}`;
  const fail = (why: string, cause?: unknown): MlopsError =>
    new MlopsError('SERVE_RELOAD_FAILED', `${what} was not switched to: ${why}`, { details: { name: facts.name, version: facts.version, digest: facts.digest }, ...(cause !== undefined && { cause }) });
  if (artifact.digest !== facts.digest) throw fail(`its digest ${artifact.digest} differs from the recorded ${facts.digest}.`);
  let outputs: Float64Array;
  try {
    outputs = (await artifact.predict([warmUpRow(artifact)])).raw;
  } catch (err) {
    throw fail(`a warm-up prediction failed (${err instanceof Error ? err.message : String(err)}).`, err);
  }
  if (outputs.some((v) => !Number.isFinite(v))) throw fail('a warm-up prediction returned a value that is not a finite number.');
  if (verify !== undefined) {
    try {
      await verify(artifact, { name: facts.name, version: facts.version, digest: facts.digest });
    } catch (err) {
      throw fail(`the verify hook refused it (${err instanceof Error ? err.message : String(err)}).`, err);
    }
  }
}

function entryFor(artifact: ModelArtifact, facts: ModelFacts, now: number, sink: (model: ServedModel) => PredictionSink | undefined): SlotEntry {
  const { name, alias, version } = facts;
  const model: ServedModel = { name, alias, version, digest: artifact.digest, type: artifact.type, task: artifact.task, loadedAt: new Date(now).toISOString(), artifact };
  const headers: Record<string, string> = { 'x-model-name': name, 'x-model-digest': artifact.digest };
  if (version !== null) headers['x-model-version'] = String(version);
  if (alias !== null) headers['x-model-alias'] = alias;
  return {
    model,
    json: JSON.stringify({ name, version, alias, digest: artifact.digest }),
    headers,
    facts: { name, alias, version, digest: artifact.digest, type: artifact.type },
    sink: sink(model),
    pending: 0,
    retired: false,
  };
}

/** Holds the served model and keeps it in step with its source. @internal */
export class ModelSlot {
  current: SlotEntry | null = null;
  closed = false;
  readonly ready: Promise<ServedModel>;
  private resolveReady!: (m: ServedModel) => void;
  private rejectReady!: (e: unknown) => void;
  private watcher: AliasWatcher | undefined;
  private readonly rejected = new Set<string>();

  constructor(
    private readonly source: ModelSource,
    private readonly emit: (event: ServeEvent) => void,
    private readonly metrics: ServeMetrics | null,
    private readonly verify: VerifyHook | undefined,
    private readonly now: () => number,
    private readonly monitor: PredictHandlerOptions['monitor'],
  ) {
    this.ready = new Promise<ServedModel>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
  }

  /** Starts loading (and, for a registry alias, watching). */
  start(): void {
    const source = this.source;
    if (source.kind === 'artifact') {
      const a = source.artifact;
      void this.install(a, { name: a.manifest.name, alias: null, version: null, digest: a.digest, type: a.type }).catch((err: unknown) => this.reject(err, { name: a.manifest.name, alias: null, version: null, digest: a.digest, type: a.type }));
      return;
    }
    this.watcher = source.registry.watch(source.name, source.alias, (change) => this.onChange(change.version), {
      intervalMs: source.refreshMs,
      emitInitial: true,
      onError: (error) => this.emit({ type: 'load-error', error }),
    });
  }

  /** Polls the alias now. */
  async refresh(): Promise<void> {
    await this.watcher?.refresh();
  }

  /** Stops watching; the served model is closed once its last request finishes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watcher?.close();
    if (this.current !== null) this.retire(this.current);
    this.rejectReady(new MlopsError('SERVE_NOT_READY', 'The prediction handler was closed before a model was loaded.'));
  }

  /** Marks a request as using `entry` until `release`. */
  acquire(entry: SlotEntry): void {
    entry.pending++;
  }

  release(entry: SlotEntry): void {
    entry.pending--;
    if (entry.retired && entry.pending === 0) void this.dispose(entry);
  }

  private async onChange(version: ModelVersion | null): Promise<void> {
    if (this.source.kind !== 'registry') return;
    const { name, alias } = this.source;
    if (version === null) {
      this.emit({ type: 'alias-removed', name, alias });
      return;
    }
    if (this.current !== null && this.current.facts.version === version.version && this.current.facts.digest === version.digest) return;
    const facts: ModelFacts = { name, alias, version: version.version, digest: version.digest, type: version.artifact.modelType ?? 'unknown' };
    if (this.rejected.has(`${version.version}:${version.digest}`)) return;
    let artifact: ModelArtifact;
    try {
      artifact = await this.source.registry.load(version.ref);
    } catch (err) {
      if (isPermanent(err)) return this.reject(err, facts);
      throw err; // transient (store unavailable): the watcher retries on its next poll
    }
    try {
      await this.install(artifact, { ...facts, type: artifact.type });
    } catch (err) {
      await artifact.close().catch(() => undefined);
      this.reject(err, facts);
    }
  }

  private async install(artifact: ModelArtifact, facts: ModelFacts): Promise<void> {
    await verifyArtifact(artifact, facts, this.verify);
    if (this.closed) {
      await artifact.close();
      return;
    }
    const next = entryFor(artifact, facts, this.now(), (model) => this.sinkFor(model));
    const previous = this.current;
    this.current = next; // the switch: one assignment
    this.metrics?.reload('success', next.facts, this.now());
    this.emit({ type: 'model-loaded', model: next.model, previous: previous === null ? null : previous.model });
    if (previous !== null) this.retire(previous);
    this.resolveReady(next.model);
  }

  private sinkFor(model: ServedModel): PredictionSink | undefined {
    const monitor = this.monitor;
    if (typeof monitor !== 'function') return monitor;
    try {
      return monitor(model);
    } catch (error) {
      this.emit({ type: 'monitor-error', error });
      return undefined;
    }
  }

  private reject(err: unknown, facts: ModelFacts): void {
    this.rejected.add(`${facts.version}:${facts.digest}`);
    this.metrics?.reload('failure', facts, this.now());
    const error = isMlopsError(err, 'SERVE_RELOAD_FAILED')
      ? err
      : new MlopsError('SERVE_RELOAD_FAILED', `${facts.version === null ? facts.name : `${facts.name}/${facts.version}`} was not switched to: ${err instanceof Error ? err.message : String(err)}`, {
          details: { name: facts.name, version: facts.version, digest: facts.digest },
          cause: err,
        });
    this.emit({ type: 'model-rejected', name: facts.name, version: facts.version, digest: facts.digest, error, serving: this.current?.model ?? null });
  }

  private retire(entry: SlotEntry): void {
    entry.retired = true;
    if (entry.pending === 0) void this.dispose(entry);
  }

  private async dispose(entry: SlotEntry): Promise<void> {
    await entry.model.artifact.close().catch((error: unknown) => this.emit({ type: 'load-error', error }));
  }
}
