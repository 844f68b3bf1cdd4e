/**
 * The prediction handler in the `export default { fetch }` shape that Cloudflare Workers,
 * Deno (`deno serve`) and Bun (`Bun.serve`) run. The artifact's bytes come from
 * wherever the platform keeps files: an object-store binding, a KV value, a bundled
 * asset. mlops-kit imports Node built-in modules (`node:crypto`, `node:fs`, ...), which
 * Deno and Bun provide; on Cloudflare Workers enable the `nodejs_compat` flag.
 *
 *   // Bun:   Bun.serve({ fetch: (req) => worker.fetch(req, { MODEL: Bun.file('model.mlpk') }) })
 *   // Deno:  Deno.serve((req) => worker.fetch(req, { MODEL: await Deno.open(...) }))
 */
import { createPredictHandler, ModelArtifact, type PredictHandler } from 'mlops-kit';

/** The platform bindings this worker uses. */
export interface Env {
  /** The artifact file: anything with `arrayBuffer()` (a Blob, an R2 object, a Response). */
  MODEL: { arrayBuffer(): Promise<ArrayBuffer> };
}

// Loaded on the first request and reused; a failed load is not cached, the next request tries again.
let predict: Promise<PredictHandler> | undefined;

const worker = {
  async fetch(request: Request, env: Env): Promise<Response> {
    predict ??= env.MODEL.arrayBuffer()
      .then(async (buffer) => {
        const h = createPredictHandler({ artifact: await ModelArtifact.fromBytes(new Uint8Array(buffer)) });
        await h.ready;
        return h;
      })
      .catch((err: unknown) => {
        predict = undefined;
        throw err;
      });
    return (await predict)(request);
  },
};

export default worker;
