export { useBackend, registerBackend, listBackends, currentBackend, disposeBackends } from './registry';
export type {
  BackendFactory,
  BackendFailure,
  BackendInfo,
  BackendKind,
  BackendSelection,
  GpuAdapterReport,
  JsBackendImpl,
  RegisterBackendOptions,
  UseBackendOptions,
  WebGpuOptions,
} from './types';
