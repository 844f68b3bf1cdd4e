/**
 * The prediction handler as an AWS Lambda function behind an API Gateway HTTP API or a
 * Lambda function URL (payload format 2.0). The artifact ships with the function: a
 * deployment pins a version, a rollback is a redeploy of the previous bundle.
 *
 *   npx mlops-kit show fraud@production --store ...      # which version to bundle
 *   cp fraud-v1.mlpk dist/model.mlpk && zip -r function.zip dist node_modules
 *   Handler: lambda.handler    Environment: MODEL_PATH=/var/task/dist/model.mlpk
 *
 * Following a registry alias instead (a PostgreSQL or S3-backed registry), use
 * `createPredictHandler({ registry, model, alias, refreshMs })` in the same place.
 */
import { createPredictHandler, ModelArtifact, type PredictHandler } from 'mlops-kit';

/** The fields of an HTTP API (2.0) or function URL event that a request needs. */
export interface HttpEvent {
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { domainName?: string; http: { method: string } };
}

/** What API Gateway expects back. */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

// Loaded on the first invocation and reused while the execution environment stays warm.
// A failed load is not cached: the next invocation tries again.
let predict: Promise<PredictHandler> | undefined;

function predictHandler(): Promise<PredictHandler> {
  predict ??= ModelArtifact.fromFile(process.env.MODEL_PATH ?? './model.mlpk')
    .then((artifact) => {
      const h = createPredictHandler({ artifact, metrics: false });
      return h.ready.then(() => h);
    })
    .catch((err: unknown) => {
      predict = undefined;
      throw err;
    });
  return predict;
}

/** The Lambda entry point. */
export async function handler(event: HttpEvent): Promise<HttpResult> {
  const h = await predictHandler();
  const url = `https://${event.requestContext.domainName ?? 'lambda.local'}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  const method = event.requestContext.http.method;
  const body = event.body === undefined || method === 'GET' || method === 'HEAD' ? undefined : event.isBase64Encoded ? new Uint8Array(Buffer.from(event.body, 'base64')) : event.body;
  const response = await h(new Request(url, { method, headers, body }));
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => (out[key] = value));
  return { statusCode: response.status, headers: out, body: await response.text() };
}
