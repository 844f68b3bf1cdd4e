export * from './types';
export * from './model';
export { MODEL_TYPES, getFamily, loadPredictor } from './families';
