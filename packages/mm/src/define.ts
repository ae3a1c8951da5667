// Building a strategy from its choices: the percpu state an mm carries,
// where percpu memory comes from, and when the state is built. Boot creates
// the strategy's own mm cache (`mm_struct:<name>`, with ctor and dtor when
// the state lives with the slab object) and whatever its front keeps in
// kernel memory; attach wires the per-CPU objects into one MmPath.
import { CACHE_LINE, struct, type Kernel } from '@percpu-lab/machine';
import { bindSlabCtor, bindSlabDtor, KmemCache, kmemCacheCreate } from '@percpu-lab/slab';
import { mmBoot } from './boot.js';
import { BadMmOptions, BadStrategyRecipe } from './errors.js';
import { MmCids } from './mm-cid.js';
import { MmPath, type PercpuLifetime } from './mm-path.js';
import type { MmParts, MmPercpuState } from './mm-percpu-state.js';
import { mmObjectSize } from './mm-struct.js';
import { PercpuCounters } from './percpu-counter.js';
import type { PercpuFront } from './percpu-front.js';
import { Pgds, type Arch } from './pgd.js';
import type { MmOps, MmOptions, MmStrategy } from './strategy.js';

/** A front and, if it keeps state in kernel memory, its boot. */
export interface FrontRecipe {
  boot?(kernel: Kernel, strategy: string, opts: MmOptions): void;
  attach(kernel: Kernel, strategy: string): PercpuFront;
}

export interface MmStrategyRecipe {
  /** How reports and --strategy name it: letters, digits, '-' and '_'. */
  name: string;
  /** One line: what the strategy does. */
  description: string;
  /** One line: the proposal or kernel state it models. */
  proposal: string;
  /** 'mm': state built in mm_init, freed in __mmdrop; 'object': built by the mm cache's ctor, freed by its dtor. */
  lifetime: PercpuLifetime;
  /** Where percpu memory comes from: directFront or objCacheFront. */
  front: FrontRecipe;
  /** The per-mm percpu state, built once per attached kernel from the shared parts. */
  state(parts: MmParts): MmPercpuState;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const LIFETIMES: PercpuLifetime[] = ['mm', 'object'];

/** Every field of a recipe, checked where it is defined, so a strategy file fails on load and not mid-run. */
function checkRecipe(r: unknown): asserts r is MmStrategyRecipe {
  if (r === null || typeof r !== 'object') throw new BadStrategyRecipe(`a strategy recipe must be an object, got ${r === null ? 'null' : typeof r}`);
  const f = r as Record<string, unknown>;
  const who = typeof f.name === 'string' ? `strategy recipe ${f.name}` : 'strategy recipe';
  const bad = (field: string, want: string) => {
    const got = f[field] === undefined ? 'missing field' : 'bad field';
    return new BadStrategyRecipe(`${who}: ${got} '${field}'; expected ${want}`);
  };
  if (typeof f.name !== 'string' || !NAME.test(f.name)) throw bad('name', "a name of letters, digits, '-' and '_'");
  if (typeof f.description !== 'string' || f.description === '') throw bad('description', 'a one-line description');
  if (typeof f.proposal !== 'string' || f.proposal === '') throw bad('proposal', 'a one-line account of the proposal it models');
  if (!LIFETIMES.includes(f.lifetime as PercpuLifetime)) throw bad('lifetime', `one of ${LIFETIMES.map((l) => `'${l}'`).join(', ')}`);
  const front = f.front as Partial<FrontRecipe> | undefined;
  if (front === null || typeof front !== 'object' || typeof front.attach !== 'function') throw bad('front', 'directFront, objCacheFront or another FrontRecipe');
  if (typeof f.state !== 'function') throw bad('state', 'a function (parts) => MmPercpuState');
}

/** Boot-time choices a worker must agree with. */
const MmStrategyConf = struct('mm_strategy_conf', { arch: 'i32', pad: { bytes: CACHE_LINE - 4 } });
const ARCHES: Arch[] = ['x86', 'generic'];

export const mmCacheName = (strategy: string): string => `mm_struct:${strategy}`;
const ctorName = (strategy: string): string => `mm_ctor:${strategy}`;
const dtorName = (strategy: string): string => `mm_dtor:${strategy}`;
const confSymbol = (strategy: string): string => `mm_conf:${strategy}`;

function archOf(opts: MmOptions): Arch {
  const arch = opts.arch ?? 'x86';
  if (!ARCHES.includes(arch)) throw new BadMmOptions(`arch must be one of ${ARCHES.join(', ')}, got ${String(arch)}`);
  return arch;
}

/** The one way to make a strategy: a recipe's choices wired into the mm life cycle. */
export function defineMmStrategy(r: MmStrategyRecipe): MmStrategy {
  checkRecipe(r);
  return {
    name: r.name,
    description: r.description,
    proposal: r.proposal,

    boot(kernel: Kernel, opts: MmOptions): void {
      mmBoot(kernel);
      const conf = kernel.memblockAlloc(MmStrategyConf.size, CACHE_LINE);
      MmStrategyConf.arch.set(kernel.mem, conf, ARCHES.indexOf(archOf(opts)));
      kernel.defineSymbol(confSymbol(r.name), conf);
      r.front.boot?.(kernel, r.name, opts);
      const fns = r.lifetime === 'object' ? { ctor: ctorName(r.name), dtor: dtorName(r.name) } : {};
      kmemCacheCreate(kernel, mmCacheName(r.name), mmObjectSize(kernel.nrCpus), CACHE_LINE, fns);
    },

    attach(kernel: Kernel, opts: MmOptions): MmOps {
      const booted = ARCHES[MmStrategyConf.arch.get(kernel.mem, kernel.symbol(confSymbol(r.name)))]!;
      if (opts.arch !== undefined && archOf(opts) !== booted) {
        throw new BadMmOptions(`strategy ${r.name} was booted for arch ${booted}; attach with the same options`);
      }
      const front = r.front.attach(kernel, r.name);
      const cids = new MmCids(kernel);
      const state = r.state({ m: kernel.mem, front, counters: new PercpuCounters(kernel), cids });
      if (r.lifetime === 'object') {
        bindSlabCtor(kernel, ctorName(r.name), (cpu, obj) => state.create(cpu, obj));
        bindSlabDtor(kernel, dtorName(r.name), (cpu, obj) => state.destroy(cpu, obj));
      }
      return new MmPath(kernel, {
        cache: new KmemCache(kernel, mmCacheName(r.name)),
        lifetime: r.lifetime,
        front,
        state,
        cids,
        pgds: new Pgds(kernel, booted),
      });
    },
  };
}
