/**
 * Schemas: the name, type and nullability of every column, declared by the user or
 * inferred from the data.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ColumnType } from './column';

/** One column's description. */
export interface Field {
  /** Column name. */
  name: string;
  /** Logical type. */
  type: ColumnType;
  /** Whether missing cells are allowed. Inferred fields are always nullable. */
  nullable: boolean;
  /**
   * For `category` fields: the allowed values. When declared, any other value is a
   * schema violation; when inferred, absent.
   */
  categories?: string[];
}

/** What a user may pass as a field declaration: a type name or a partial field. */
export type FieldDeclaration = ColumnType | { type: ColumnType; nullable?: boolean; categories?: string[] };

/**
 * A schema as the user may declare it: a {@link Schema}, an array of fields, or an
 * object mapping column names to types (`{ amount: 'number', country: 'category' }`).
 */
export type SchemaInput = Schema | Field[] | Record<string, FieldDeclaration>;

const COLUMN_TYPES: readonly ColumnType[] = ['number', 'category', 'boolean', 'date'];

function checkType(name: string, type: unknown): ColumnType {
  if (!COLUMN_TYPES.includes(type as ColumnType)) {
    throw new MlopsError(
      'INVALID_ARGUMENT',
      `Column "${name}" is declared with type ${JSON.stringify(type)}; use one of ${COLUMN_TYPES.map((t) => `'${t}'`).join(', ')}.`,
    );
  }
  return type as ColumnType;
}

/**
 * An ordered list of fields with unique names.
 *
 * @example
 * ```ts
 * const schema = Schema.from({ amount: 'number', country: { type: 'category', nullable: false } });
 * schema.field('amount').type; // 'number'
 * ```
 */
export class Schema {
  /** The fields, in column order. */
  readonly fields: readonly Field[];
  private readonly index: Map<string, number>;

  constructor(fields: readonly Field[]) {
    const index = new Map<string, number>();
    fields.forEach((f, i) => {
      if (typeof f.name !== 'string') {
        throw new MlopsError('INVALID_ARGUMENT', `Field ${i} has no string name.`);
      }
      if (f.name === '__proto__') {
        // As a key of a row object it would set the object's prototype instead of a value.
        throw new MlopsError('INVALID_ARGUMENT', 'A column cannot be named "__proto__"; rename it (e.g. with ds.rename or in the source).');
      }
      if (index.has(f.name)) {
        throw new MlopsError('DATA_DUPLICATE_COLUMN', `Column name "${f.name}" appears twice; column names must be unique. Rename one of them.`, {
          details: { column: f.name },
        });
      }
      checkType(f.name, f.type);
      index.set(f.name, i);
    });
    this.fields = Object.freeze(fields.map((f) => Object.freeze({ ...f })));
    this.index = index;
  }

  /** Normalises any {@link SchemaInput}. */
  static from(input: SchemaInput): Schema {
    if (input instanceof Schema) return input;
    if (Array.isArray(input)) {
      return new Schema(input.map((f) => ({ ...f, nullable: f.nullable ?? true, type: checkType(f.name, f.type) })));
    }
    if (typeof input !== 'object' || input === null) {
      throw new MlopsError('INVALID_ARGUMENT', 'schema must be a Schema, an array of fields, or an object of column types.');
    }
    return new Schema(
      Object.entries(input).map(([name, decl]) => {
        if (typeof decl === 'string') return { name, type: checkType(name, decl), nullable: true };
        const field: Field = { name, type: checkType(name, decl?.type), nullable: decl.nullable ?? true };
        if (decl.categories !== undefined) field.categories = [...decl.categories];
        return field;
      }),
    );
  }

  /** Column names in order. */
  get names(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** Whether a column of this name exists. */
  has(name: string): boolean {
    return this.index.has(name);
  }

  /** The field of this name; throws `DATA_COLUMN_NOT_FOUND` when absent. */
  field(name: string): Field {
    const i = this.index.get(name);
    if (i === undefined) throw columnNotFound(name, this.names);
    return this.fields[i];
  }

  /** Position of the column, or -1. */
  indexOf(name: string): number {
    return this.index.get(name) ?? -1;
  }

  /** A plain JSON value. */
  toJSON(): Field[] {
    return this.fields.map((f) => ({ ...f }));
  }
}

/** The standard "no such column" error, listing what exists. @internal */
export function columnNotFound(name: string, available: readonly string[]): MlopsError {
  const shown = available.slice(0, 20).map((n) => `"${n}"`).join(', ');
  const more = available.length > 20 ? `, ... (${available.length} in all)` : '';
  return new MlopsError('DATA_COLUMN_NOT_FOUND', `No column named "${name}". Available columns: ${shown || '(none)'}${more}.`, {
    details: { column: name, available: available.slice(0, 100) },
  });
}
