/**
 * Registers @tensorflow/tfjs-backend-cpu as the custom backend `tfjs-cpu` (its kernels
 * copied under that name), so the benches can show what the SDK's own `cpu` kernels are
 * measured against.
 */
import { registerBackend } from '../src/backend/index';
import type { Tf } from '../src/backend/tfjs';

export async function registerTfjsCpu(): Promise<void> {
  const cpu = await import('@tensorflow/tfjs-backend-cpu');
  const tf = (await import('@tensorflow/tfjs-core')) as unknown as Tf;
  tf.env().set('PROD', true); // no "install tfjs-node" banner in the bench output
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tfjs-cpu' });
  registerBackend('tfjs-cpu', () => new cpu.MathBackendCPU(), { priority: 1 });
}
