// Struct layouts in kernel memory: a struct is declared once, offsets and
// alignment are computed here, and logic reads fields only through the
// declaration. Pointers are byte offsets into the SharedArrayBuffer.
import type { KernelMemory } from './memory.js';

type Kind = 'i32' | 'u32' | 'f64';

const WIDTH: Record<Kind, number> = { i32: 4, u32: 4, f64: 8 };

/** A 32-bit signed field: plain and atomic accessors. */
export interface I32Field {
  readonly offset: number;
  get(mem: KernelMemory, base: number): number;
  set(mem: KernelMemory, base: number, v: number): void;
  load(mem: KernelMemory, base: number): number;
  store(mem: KernelMemory, base: number, v: number): void;
  add(mem: KernelMemory, base: number, v: number): number;
  cas(mem: KernelMemory, base: number, expect: number, v: number): number;
  /** Int32Array index of the field, for Atomics.wait/notify. */
  index(base: number): number;
}

/** A float64 field (statistics, nanosecond totals); plain access only. */
export interface F64Field {
  readonly offset: number;
  get(mem: KernelMemory, base: number): number;
  set(mem: KernelMemory, base: number, v: number): void;
}

/** An embedded byte region (array, bitmap, nested struct). */
export interface BytesField {
  readonly offset: number;
  readonly size: number;
  addr(base: number): number;
}

export type FieldSpec = Kind | { bytes: number; align?: number };

type FieldOf<S> = S extends 'i32' | 'u32' ? I32Field : S extends 'f64' ? F64Field : BytesField;

export type Struct<F extends Record<string, FieldSpec>> = { readonly [K in keyof F]: FieldOf<F[K]> } & {
  readonly name: string;
  readonly size: number;
  readonly align: number;
};

function i32Field(offset: number): I32Field {
  return {
    offset,
    get: (m, b) => m.i32[(b + offset) >> 2]!,
    set: (m, b, v) => { m.i32[(b + offset) >> 2] = v; },
    load: (m, b) => Atomics.load(m.i32, (b + offset) >> 2),
    store: (m, b, v) => { Atomics.store(m.i32, (b + offset) >> 2, v); },
    add: (m, b, v) => Atomics.add(m.i32, (b + offset) >> 2, v),
    cas: (m, b, e, v) => Atomics.compareExchange(m.i32, (b + offset) >> 2, e, v),
    index: (b) => (b + offset) >> 2,
  };
}

function u32Field(offset: number): I32Field {
  const f = i32Field(offset);
  return { ...f, get: (m, b) => m.u32[(b + offset) >> 2]!, load: (m, b) => Atomics.load(m.u32, (b + offset) >> 2) };
}

function f64Field(offset: number): F64Field {
  return {
    offset,
    get: (m, b) => m.f64[(b + offset) >> 3]!,
    set: (m, b, v) => { m.f64[(b + offset) >> 3] = v; },
  };
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Declare a struct; fields are laid out in order with natural alignment. */
export function struct<F extends Record<string, FieldSpec>>(name: string, fields: F): Struct<F> {
  let off = 0;
  let align = 4;
  const out: Record<string, unknown> = { name };
  for (const [key, spec] of Object.entries(fields)) {
    if (key === 'name' || key === 'size' || key === 'align') {
      throw new Error(`struct ${name}: field '${key}' would hide the struct's own ${key}; rename it`);
    }
    if (typeof spec === 'string') {
      const w = WIDTH[spec];
      off = alignUp(off, w);
      align = Math.max(align, w);
      out[key] = spec === 'i32' ? i32Field(off) : spec === 'u32' ? u32Field(off) : f64Field(off);
      off += w;
    } else {
      const a = spec.align ?? 4;
      off = alignUp(off, a);
      align = Math.max(align, a);
      const o = off;
      out[key] = { offset: o, size: spec.bytes, addr: (b: number) => b + o } satisfies BytesField;
      off += spec.bytes;
    }
  }
  out.size = alignUp(off, align);
  out.align = align;
  // Built field by field, a struct with a few dozen fields lands in V8's
  // dictionary mode and every `S.field` on a hot path becomes a hash lookup;
  // a spread copy is created with fast properties.
  return { ...out } as Struct<F>;
}

/** Cache-line size used for padding per-CPU data and lock words. */
export const CACHE_LINE = 64;
