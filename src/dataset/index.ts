export * from './column';
export * from './schema';
export {
  type CellIssue,
  type InvalidCellPolicy,
  type ParseOptions,
  DEFAULT_MISSING_VALUES,
} from './builder';
export * from './dataset';
export type { ColumnDescription } from './describe';
export type { ImputeSpec, ImputeStrategy } from './impute';
export type { SplitOptions, KFoldOptions, TimeSplitOptions, SplitIndices } from './split';
export * from './profile';
export type { CSVOptions, CSVSource } from './csv';
export type { NDJSONOptions, NDJSONSource } from './ndjson';
export type { ByteSource } from './io/byte-source';
