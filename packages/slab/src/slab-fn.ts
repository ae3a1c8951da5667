// Constructors and destructors of slab objects. Code cannot live in kernel
// memory, so a cache records only the *name* of its ctor and dtor (an id
// given at boot, like a work item of the machine's workqueue); every CPU
// binds a function to that name on its own attached kernel before it
// allocates. State the functions touch lives in kernel memory, so every CPU's
// copy of the function acts on the same objects.
//
// ctor (the revived destructor RFC lets it fail): prepare one free object when
// its slab is built; return false when it cannot (e.g. percpu memory ran out).
// dtor: undo the ctor, once per object, when the slab is discarded. It runs
// in atomic context (AtomicContext.SlabDestructor): it may take spinlocks
// such as pcpu_lock, and taking a mutex there throws LockError.
import type { Cpu, Kernel } from '@percpu-lab/machine';
import { struct, CACHE_LINE } from '@percpu-lab/machine';
import { SlabFunctionNotBound } from './errors.js';

export type SlabCtor = (cpu: Cpu, obj: number) => boolean;
export type SlabDtor = (cpu: Cpu, obj: number) => void;

/** Boot-time id counters; id 0 means "no function". */
const SlabFnTable = struct('slab_fn_table', {
  nrCtors: 'i32',
  nrDtors: 'i32',
  pad: { bytes: CACHE_LINE - 8 },
});

type FnKind = 'ctor' | 'dtor';

function table(kernel: Kernel): number {
  if (!kernel.hasSymbol('slab_fn_table')) {
    kernel.defineSymbol('slab_fn_table', kernel.memblockAlloc(SlabFnTable.size, CACHE_LINE));
  }
  return kernel.symbol('slab_fn_table');
}

/** Boot: give a ctor or dtor name its id (the same name always gets the same id). */
export function declareSlabFn(kernel: Kernel, kind: FnKind, name: string): number {
  const sym = `slab_${kind}:${name}`;
  if (kernel.hasSymbol(sym)) return kernel.symbol(sym);
  const t = table(kernel);
  const field = kind === 'ctor' ? SlabFnTable.nrCtors : SlabFnTable.nrDtors;
  const id = field.get(kernel.mem, t) + 1;
  field.set(kernel.mem, t, id);
  kernel.defineSymbol(sym, id);
  return id;
}

/** The functions bound on one attached kernel, indexed by id. */
export interface SlabFns {
  readonly ctors: (SlabCtor | undefined)[];
  readonly dtors: (SlabDtor | undefined)[];
}

const bound = new WeakMap<Kernel, SlabFns>();

export function slabFns(kernel: Kernel): SlabFns {
  let f = bound.get(kernel);
  if (f === undefined) bound.set(kernel, (f = { ctors: [], dtors: [] }));
  return f;
}

function idOf(kernel: Kernel, kind: FnKind, name: string): number {
  const sym = `slab_${kind}:${name}`;
  if (!kernel.hasSymbol(sym)) {
    throw new SlabFunctionNotBound(`no cache was created with ${kind} "${name}"; pass it to kmemCacheCreate at boot first`);
  }
  return kernel.symbol(sym);
}

/** Bind the constructor called `name` on this attached kernel. */
export function bindSlabCtor(kernel: Kernel, name: string, fn: SlabCtor): void {
  const id = idOf(kernel, 'ctor', name);
  slabFns(kernel).ctors[id] = fn;
}

/** Bind the destructor called `name` on this attached kernel. */
export function bindSlabDtor(kernel: Kernel, name: string, fn: SlabDtor): void {
  const id = idOf(kernel, 'dtor', name);
  slabFns(kernel).dtors[id] = fn;
}

export function notBound(kind: FnKind, cache: string): SlabFunctionNotBound {
  const bind = kind === 'ctor' ? 'bindSlabCtor' : 'bindSlabDtor';
  return new SlabFunctionNotBound(`cache ${cache} has a ${kind} that this CPU never bound; call ${bind}(kernel, name, fn) after attaching`);
}
