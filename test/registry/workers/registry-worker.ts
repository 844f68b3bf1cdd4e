// A child process for the reliability tests. argv[2] is JSON: { spec, mode, id, count, payloadBytes }.
// It opens the store, prints "ready", waits for "go" on stdin, works, prints a JSON result line.
//   register: registers `count` versions of model "m", labelled w<id>-<i>.
//   alias:    moves alias "production" of model "m" `count` times to seeded random versions.
//   chaos:    registers, promotes, rolls back and deletes forever (the parent kills it).
import { createRng } from '../../../src/random';
import { Registry } from '../../../src/registry/index';
import { openStore, type StoreSpec } from '../adapters';
import { fakeArtifact, fakeDecoder } from '../fake-artifact';

interface Job {
  spec: StoreSpec;
  mode: 'register' | 'alias' | 'chaos';
  id: number;
  count: number;
  payloadBytes: number;
  versions?: number;
}

const job = JSON.parse(process.argv[2]) as Job;
const store = await openStore(job.spec);
const registry = new Registry({ store, decode: fakeDecoder, actor: `worker-${job.id}` });
const rng = createRng(1000 + job.id);

async function main(): Promise<unknown> {
  if (job.mode === 'register') {
    const made: [number, string][] = [];
    for (let i = 0; i < job.count; i++) {
      const label = `w${job.id}-${i}`;
      made.push([(await registry.register('m', fakeArtifact(label, job.payloadBytes))).version, label]);
    }
    return made;
  }
  if (job.mode === 'alias') {
    let moved = 0;
    for (let i = 0; i < job.count; i++) {
      if ((await registry.setAlias('m', 'production', 1 + rng.int(job.versions ?? 1), { reason: `w${job.id}#${i}` })) !== null) moved++;
    }
    return moved;
  }
  for (let i = 0; ; i++) {
    const v = await registry.register('m', fakeArtifact(`c${process.pid}-${i}`, job.payloadBytes));
    await registry.setAlias('m', 'production', v.version);
    if (i % 3 === 0) await registry.setAlias('m', 'staging', 1 + rng.int(v.version)).catch(() => undefined);
    if (i % 5 === 4) await registry.rollback('m', 'production').catch(() => undefined);
    if (i % 4 === 1) await registry.deleteVersion('m', 1 + rng.int(v.version)).catch(() => undefined);
  }
}

// Load everything and touch the store before announcing readiness, so "go" starts real work at once.
await registry.listModels({ limit: 1 });
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  main().then(
    async (result) => {
      process.stdout.write(`${JSON.stringify({ result })}\n`);
      await store.close();
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
});
