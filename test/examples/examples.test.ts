// Every file in examples/ runs here (or in the test named in COVERED): the Node service
// as a process, the Lambda and fetch handlers in process, and the container's exact
// start command (the Dockerfile's CMD and ENV) probed the way the Kubernetes manifest
// probes it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/index';
import { FsStore } from '../../src/storage/fs/index';
import { cliCommand, ensureBuilt, root } from '../cli/helpers';
import { fraudArtifacts, requestRows } from '../serve/helpers';

/** Which test runs each file of examples/. */
const COVERED: Record<string, string> = {
  'lifecycle.ts': 'test/examples/lifecycle.test.ts',
  'node-service.ts': 'test/examples/examples.test.ts',
  'lambda.ts': 'test/examples/examples.test.ts',
  'fetch-handler.ts': 'test/examples/examples.test.ts',
  Dockerfile: 'test/examples/examples.test.ts',
  'kubernetes.yaml': 'test/examples/examples.test.ts',
  'custom-adapter.ts': 'test/storage/custom-adapter-example.test.ts',
};

const dir = mkdtempSync(join(tmpdir(), 'mlops-examples-'));
const registryDir = join(dir, 'registry');
const artifactPath = join(dir, 'model.mlpk');
let artifacts: Awaited<ReturnType<typeof fraudArtifacts>>;

beforeAll(async () => {
  ensureBuilt();
  artifacts = await fraudArtifacts();
  await artifacts.gbdt.writeFile(artifactPath);
  const registry = new Registry({ store: new FsStore({ root: registryDir }) });
  await registry.register('fraud', artifacts.gbdt);
  await registry.setAlias('fraud', 'production', 1);
  await registry.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tsx = (file: string): string[] => [process.execPath, '--conditions=source', '--import', 'tsx', join(root, file)];

/** Starts a process and waits for a line of its stdout to match. */
async function start(argv: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(argv[0], argv.slice(1), { cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${out}`)));
  });
  return { child, match, output: () => out, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function until(url: string, status: number): Promise<Response> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === status) return res;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${url} never answered ${status}`);
}

const predict = (base: string, body: unknown): Promise<Response> =>
  fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('examples/', () => {
  it('every file is run by a test', () => {
    const files = readdirSync(join(root, 'examples')).filter((f) => !f.startsWith('.'));
    expect(files.filter((f) => COVERED[f] === undefined)).toEqual([]);
    for (const [file, test] of Object.entries(COVERED)) expect(readFileSync(join(root, test), 'utf8'), `${test} runs ${file}`).toContain(file === 'kubernetes.yaml' || file === 'Dockerfile' ? file : `examples/${file}`);
  });

  it('examples/node-service.ts serves the registry alias, logs JSON lines and drains on SIGTERM', async () => {
    const s = await start(tsx('examples/node-service.ts'), { REGISTRY_DIR: registryDir, PORT: '0' }, /"event":"listening","url":"([^"]+)"/);
    try {
      const base = s.match[1];
      await until(`${base}/ready`, 200);
      const row = requestRows(1)[0];
      const res = await predict(base, row);
      expect(res.headers.get('x-model-version')).toBe('1');
      expect((await res.json()).prediction).toEqual(artifacts.gbdt.predictOne(row));
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('mlops_predictions_total{model="fraud",version="1"} 1');
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      const events = s.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).event);
      expect(events).toEqual(['listening', 'model-loaded', 'stopped']);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('examples/lambda.ts answers API Gateway (payload 2.0) events', async () => {
    process.env.MODEL_PATH = join(dir, 'not-there.mlpk');
    const { handler } = await import('../../examples/lambda');
    // A failed load is not cached for the life of the environment: the next invocation retries.
    await expect(handler({ rawPath: '/ready', requestContext: { http: { method: 'GET' } } })).rejects.toThrow(/ENOENT/);
    process.env.MODEL_PATH = artifactPath;
    const row = requestRows(1)[0];
    const event = (method: string, path: string, body?: string, base64 = false) => ({
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: base64 ? Buffer.from(body).toString('base64') : body }),
      isBase64Encoded: base64,
      requestContext: { domainName: 'abc.lambda-url.eu-west-1.on.aws', http: { method } },
    });
    const ok = await handler(event('POST', '/predict', JSON.stringify(row)));
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-model-digest']).toBe(artifacts.gbdt.digest);
    expect(JSON.parse(ok.body).prediction).toEqual(artifacts.gbdt.predictOne(row));
    const b64 = await handler(event('POST', '/predict', JSON.stringify({ rows: [row, row] }), true));
    expect(JSON.parse(b64.body).predictions).toHaveLength(2);
    expect((await handler(event('GET', '/ready'))).statusCode).toBe(200);
    const bad = await handler(event('POST', '/predict', '{"amount":'));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('SERVE_BAD_REQUEST');
  });

  it('examples/fetch-handler.ts answers fetch requests with the artifact from a binding', async () => {
    const { default: worker } = await import('../../examples/fetch-handler');
    const unavailable = { MODEL: { arrayBuffer: () => Promise.reject(new Error('binding unavailable')) } };
    await expect(worker.fetch(new Request('https://worker.example/health'), unavailable)).rejects.toThrow(/binding unavailable/);
    const env = { MODEL: new Blob([readFileSync(artifactPath)]) };
    const row = requestRows(1)[0];
    const res = await worker.fetch(new Request('https://worker.example/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(row) }), env);
    expect(res.status).toBe(200);
    expect((await res.json()).prediction).toEqual(artifacts.gbdt.predictOne(row));
    expect((await worker.fetch(new Request('https://worker.example/health'), env)).status).toBe(200);
  });

  it("the Dockerfile's CMD and ENV start a server that passes the Kubernetes manifest's probes and scrape config", async () => {
    const dockerfile = readFileSync(join(root, 'examples/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
    const cmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)![1]) as string[];
    const env = Object.fromEntries([...(/^ENV\s+(.*)$/m.exec(dockerfile)![1].matchAll(/(\w+)=(\S+)/g))].map((m) => [m[1], m[2]]));
    expect(cmd[0]).toBe('mlops-kit'); // on the image's PATH (node_modules/.bin)
    expect(env.PORT).toBe(/^EXPOSE\s+(\d+)/m.exec(dockerfile)![1]);
    const manifest = readFileSync(join(root, 'examples/kubernetes.yaml'), 'utf8');
    const containerPort = /containerPort:\s*(\d+)/.exec(manifest)![1];
    const readiness = /readinessProbe:\s*\n\s*httpGet:\s*\n\s*path:\s*(\S+)/.exec(manifest)![1];
    const liveness = /livenessProbe:\s*\n\s*httpGet:\s*\n\s*path:\s*(\S+)/.exec(manifest)![1];
    const scrapePort = /prometheus\.io\/port:\s*"(\d+)"/.exec(manifest)![1];
    const scrapePath = /prometheus\.io\/path:\s*(\S+)/.exec(manifest)![1];
    expect(/prometheus\.io\/scrape:\s*"true"/.test(manifest)).toBe(true);
    expect([containerPort, scrapePort]).toEqual([env.PORT, env.PORT]);
    expect(manifest).toMatch(/name: MLOPS_STORE/);

    // `docker run -e MLOPS_STORE=... -e PORT=...`: the image's command with the store and port overridden.
    const port = await freePort();
    const s = await start([...cliCommand(), ...cmd.slice(1)], { ...env, PATH: process.env.PATH!, NODE_ENV: 'production', MLOPS_STORE: `fs:${registryDir}`, PORT: String(port) }, /"event":"listening"/);
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}${liveness}`)).status).toBe(200);
      await until(`${base}${readiness}`, 200);
      expect((await predict(base, requestRows(1)[0])).status).toBe(200);
      const metrics = await fetch(`${base}${scrapePath}`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await metrics.text()).toMatch(/^mlops_model_info\{model="fraud",alias="production",version="1"/m);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});
