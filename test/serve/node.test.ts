// The Node adapter on a real socket: requests and responses, body limits on a streamed
// upload, failures, and graceful shutdown of a real process on SIGTERM.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictHandler, type PredictHandler } from '../../src/serve/index';
import { serve, toNodeListener, type RunningServer } from '../../src/serve/node';
import { fraudArtifacts, requestRows } from './helpers';

let server: RunningServer;
let handler: PredictHandler;
beforeAll(async () => {
  const { logistic } = await fraudArtifacts();
  handler = createPredictHandler({ artifact: logistic, maxBodyBytes: 64 * 1024 });
  await handler.ready;
  server = await serve(handler, { port: 0, host: '127.0.0.1', signals: false });
});
afterAll(async () => {
  await server.close();
});

describe('serve() and toNodeListener', () => {
  it('answers predictions and probes over HTTP with the model headers and a Content-Length', async () => {
    const row = requestRows(1)[0];
    const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(row) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-name')).toBe('fraud-logistic');
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect((await res.json()).prediction).toEqual(handler.model!.artifact.predictOne(row));
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    const head = await fetch(`${server.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses a streamed upload over the limit with 413 while the client is still sending', async () => {
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' } }); // chunked: no Content-Length
      let sent = 0;
      let done = false;
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      req.on('response', (res) => {
        done = true;
        res.resume();
        resolve({ status: res.statusCode!, sent });
        req.destroy();
      });
      req.on('error', (err) => (done ? undefined : reject(err)));
      const pump = (): void => {
        while (!done && sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!done) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024); // answered long before the 256 MiB upload ended
  });

  it('refuses a declared oversized upload at once and closes the connection instead of reading it', async () => {
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) } });
      req.on('response', resolve);
      req.on('error', reject);
      req.write(Buffer.alloc(1024, 0x20)); // 1 KiB of the announced 100 MiB, then nothing
    });
    res.resume();
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
  });

  it('a handler that throws becomes a 500 JSON error, reported to onError', async () => {
    const errors: unknown[] = [];
    const s = await serve(
      () => {
        throw new Error('boom');
      },
      { port: 0, host: '127.0.0.1', signals: false, onError: (e) => errors.push(e) },
    );
    try {
      const res = await fetch(`${s.url}/x`);
      expect(res.status).toBe(500);
      expect((await res.json()).error.code).toBe('INTERNAL');
      expect(errors).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('a response that cannot be written (an invalid header value) becomes a 500, not an unhandled rejection', async () => {
    const errors: unknown[] = [];
    const core = async () => ({ status: 200, headers: { 'x-bad': 'line\nbreak' }, body: '{}' });
    const broken = Object.assign(async () => new Response(null), { [Symbol.for('mlops-kit.serve.core')]: core });
    const s = await serve(broken, { port: 0, host: '127.0.0.1', signals: false, onError: (e) => errors.push(e) });
    try {
      const res = await fetch(`${s.url}/predict`);
      expect(res.status).toBe(500);
      expect((await res.json()).error.code).toBe('INTERNAL');
      expect(errors).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('passes headers, query strings and multiple Set-Cookie values through', async () => {
    const s = await serve(async (req) => {
      const headers = new Headers({ 'x-echo': `${new URL(req.url).search}|${req.headers.get('x-in')}` });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(null, { status: 204, headers });
    }, { port: 0, host: '127.0.0.1', signals: false });
    try {
      const res = await fetch(`${s.url}/p?q=1`, { headers: { 'x-in': 'yes' } });
      expect(res.status).toBe(204);
      expect(res.headers.get('x-echo')).toBe('?q=1|yes');
      expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    } finally {
      await s.close();
    }
  });

  it('drops a client that stalls while sending its headers (headersTimeoutMs)', async () => {
    const slow = await serve(handler, { port: 0, host: '127.0.0.1', signals: false, headersTimeoutMs: 300 });
    try {
      const started = Date.now();
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(slow.port, '127.0.0.1', () => socket.write('POST /predict HTTP/1.1\r\nHost: x\r\n')); // never finishes the headers
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
        setTimeout(() => reject(new Error('the server kept the stalled connection open')), 5000).unref();
      });
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await slow.close();
    }
  });

  it('toNodeListener refuses a non-function', () => {
    expect(() => toNodeListener(42 as never)).toThrow(/handler function/);
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM an in-flight request completes, new connections are refused, and the process exits 0', async () => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(__dirname, 'fixtures/slow-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /port (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const inflight = fetch(`http://127.0.0.1:${port}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`http://127.0.0.1:${port}/fast`)).rejects.toThrow();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, closed: true }); // the handler was closed first
    expect(await exited).toBe(0);
    expect(out).toContain('shutdown SIGTERM');
  });
});
