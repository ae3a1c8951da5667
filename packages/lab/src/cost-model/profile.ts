// Cost profiles: the nanosecond figures the virtual engine charges for the
// work model code reports through Cpu.cost(), for uncontended lock
// operations, and for the hardware effects of contention (cache-line
// transfers, mutex sleep/wake). A profile is a JSON data file a user can copy
// and edit; every entry carries its value and the source or derivation of
// that value, so a number never appears without its reason.
//
// Built in: `kernel` (derived figures for a modern x86 server, shipped in
// packages/lab/profiles/kernel.json) and `calibrated` (measured on one host
// by `percpu-lab calibrate` and written next to it; the committed one is an
// example from the build host, to be measured again on yours). Anything
// else names a file.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ProfileError } from './errors.js';

export const PROFILE_FORMAT = 'percpu-lab-cost-profile/1';
export const BUILTIN_PROFILES = ['kernel', 'calibrated'] as const;

const entry = z.object({ value: z.number().nonnegative(), source: z.string().min(1) }).strict();
const linesEntry = z.object({
  value: z.number().nonnegative(),
  source: z.string().min(1),
  /** Per lock class (kernel name) where its critical sections touch a different number of lines. */
  byClass: z.record(z.string(), z.number().nonnegative()).optional(),
}).strict();

const costsSchema = z.object({
  /** An uncontended atomic RMW on a line this CPU owns (Cpu.cost('atomic')). */
  atomicNs: entry,
  spinLockNs: entry,
  spinUnlockNs: entry,
  mutexLockNs: entry,
  mutexUnlockNs: entry,
  /** Moving one cache line from another CPU's cache: SMT sibling, same socket, across sockets. */
  lineTransferSmtNs: entry,
  lineTransferSameSocketNs: entry,
  lineTransferCrossSocketNs: entry,
  /** A line in no cache: read from DRAM of this CPU's node / of the other socket's node. */
  dramLocalNs: entry,
  dramRemoteNs: entry,
  /** One iteration of a loop over CPUs, besides the lines it pulls in (Cpu.touchUnits). */
  percpuLoopIterNs: entry,
  /** Misses of one loop over CPUs that are in flight at once (memory-level parallelism). */
  lineOverlap: z.object({ value: z.number().min(1), source: z.string().min(1) }).strict(),
  /** What a mutex waiter pays to sleep and be woken, on top of the wait itself. */
  mutexSleepWakeNs: entry,
  /** A mutex waiter spins (pays only the line transfer) for waits up to this long. */
  mutexSpinWindowNs: entry,
  /** Lines of protected data that follow a lock to a CPU that takes it after another CPU. */
  lockDataLines: linesEntry,
  bitmapWordNs: entry,
  pageAllocNs: entry,
  pageFreeNs: entry,
  pagePopulateNs: entry,
  zeroByteNs: entry,
  objectInitNs: entry,
  /** pcpu_alloc / free_percpu work outside the bitmap scan, the locks and the loops over CPUs. */
  pcpuAllocCallNs: entry,
  freePercpuCallNs: entry,
  /** memcg charge / uncharge of an accounted percpu area (GFP_KERNEL_ACCOUNT). */
  memcgChargeNs: entry,
  memcgUnchargeNs: entry,
  /** Charged at every program step: host work the model does not price itself (0 for a kernel). */
  stepNs: entry,
  /** The exec path (mm/src/exec): one price per step it names (machine's CostKind says what each covers). */
  syscallNs: entry,
  pageFaultNs: entry,
  anonFaultNs: entry,
  anonVmaPrepareNs: entry,
  cowFaultNs: entry,
  fileFaultNs: entry,
  filePteNs: entry,
  pteZapNs: entry,
  pgtablePageNs: entry,
  vmaCreateNs: entry,
  vmaDestroyNs: entry,
  iMmapTreeLevelNs: entry,
  lruFolioNs: entry,
  listOpNs: entry,
  irqSaveRestoreNs: entry,
  slabObjectNs: entry,
  pathComponentNs: entry,
  fileOpenNs: entry,
  kernelReadNs: entry,
  credsNs: entry,
  mmCidExecNs: entry,
  schedExecNs: entry,
  cr3SwitchNs: entry,
  userInstructionNs: entry,
  /** A core's private cache (L2; SMT siblings share it): a line stays in it until the core streamed this much more. */
  privateCacheBytes: entry.optional(),
  /** The last-level cache per core; a socket's LLC is this × its cores. */
  llcBytesPerCore: entry.optional(),
  /** A load that misses the private cache and hits the socket's LLC. */
  llcHitNs: entry.optional(),
}).strict();

/**
 * Entries a profile may leave out: profiles written before capacity
 * eviction was modelled (a calibrated profile of an older tool) take them
 * from the built-in kernel profile, and say so in their source.
 */
const INHERITED = ['privateCacheBytes', 'llcBytesPerCore', 'llcHitNs'] as const;

const profileSchema = z.object({
  format: z.literal(PROFILE_FORMAT),
  name: z.string().min(1),
  description: z.string(),
  costs: costsSchema,
}).strict();

export type ProfileFile = z.infer<typeof profileSchema>;
export type CostName = keyof ProfileFile['costs'];

/**
 * Figures that are not a price per occurrence — a count of lines, a
 * threshold, a cache size — so calibrate's unit runs keep them as they are
 * and its fit never sees them.
 */
export const SHAPE_FIGURES = ['lineOverlap', 'lockDataLines', 'mutexSpinWindowNs', 'privateCacheBytes', 'llcBytesPerCore'] as const satisfies readonly CostName[];
/** The figures that are a price: ns per occurrence of some kind of work. */
export type PriceName = Exclude<CostName, (typeof SHAPE_FIGURES)[number]>;

export function isShapeFigure(name: string): boolean {
  return (SHAPE_FIGURES as readonly string[]).includes(name);
}

/** A validated profile, values only, ready for the engine's hot paths. */
export type CostProfile = { readonly [K in CostName]: number } & {
  readonly name: string;
  /** Where it came from: "built-in kernel" or a file path. */
  readonly origin: string;
  readonly description: string;
  readonly lockDataLinesByClass: Readonly<Record<string, number>>;
  /** Source or derivation text of every entry, for reports. */
  readonly sources: Readonly<Record<CostName, string>>;
};

function issueLine(origin: string, issue: { path: PropertyKey[]; message: string }): string {
  const path = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  return `cost profile ${origin}: field ${path}: ${issue.message}`;
}

/** Validate parsed JSON as a profile; the first bad field is named in a one-line ProfileError. */
export function parseProfile(json: unknown, origin: string): CostProfile {
  const r = profileSchema.safeParse(json);
  if (!r.success) throw new ProfileError(issueLine(origin, r.error.issues[0]!));
  const f = r.data;
  const values = {} as Record<CostName, number>;
  const sources = {} as Record<CostName, string>;
  for (const k of Object.keys(f.costs) as CostName[]) {
    values[k] = f.costs[k]!.value;
    sources[k] = f.costs[k]!.source;
  }
  const missing = INHERITED.filter((k) => f.costs[k] === undefined);
  if (missing.length > 0) {
    const kernel = readProfileFile(builtinProfilePath('kernel'));
    for (const k of missing) {
      values[k] = kernel[k];
      sources[k] = `Not in this profile; taken from the built-in kernel profile: ${kernel.sources[k]}`;
    }
  }
  return {
    ...values,
    name: f.name,
    origin,
    description: f.description,
    lockDataLinesByClass: { ...f.costs.lockDataLines.byClass },
    sources,
  };
}

export function readProfileFile(path: string): CostProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ProfileError(`cannot read cost profile ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`cost profile ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseProfile(json, path);
}

/** Where a built-in profile lives (packages/lab/profiles/<name>.json). */
export function builtinProfilePath(name: (typeof BUILTIN_PROFILES)[number]): string {
  return fileURLToPath(new URL(`../../../profiles/${name}.json`, import.meta.url));
}

/** Resolve `--profile kernel|calibrated|<file>`. */
export function loadProfile(nameOrPath: string): CostProfile {
  if (nameOrPath === 'kernel') return readProfileFile(builtinProfilePath('kernel'));
  if (nameOrPath === 'calibrated') {
    const path = builtinProfilePath('calibrated');
    if (!existsSync(path)) {
      throw new ProfileError(`the calibrated profile has not been measured on this host yet: run \`percpu-lab calibrate\` first (it writes ${path})`);
    }
    return readProfileFile(path);
  }
  if (!existsSync(nameOrPath)) {
    throw new ProfileError(`no cost profile named "${nameOrPath}": use kernel, calibrated, or the path of a profile file`);
  }
  return readProfileFile(nameOrPath);
}
