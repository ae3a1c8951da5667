// Which price of the profile each kind of modelled work costs (the model
// reports work through Cpu.cost(kind, units)), and which part of the time
// split it is booked to. One table: a kind the machine layer adds without a
// row here is a compile error, and a row naming a figure the profile does
// not have is one too.
import type { CostKind } from '@percpu-lab/machine';
import { partIndex, type SplitPart } from './parts.js';
import type { CostProfile, PriceName } from './profile.js';

interface KindPrice {
  /** The profile entry: ns per unit. */
  readonly price: PriceName;
  readonly part: SplitPart;
}

export const KIND_PRICES: { readonly [K in CostKind]: KindPrice } = {
  atomic: { price: 'atomicNs', part: 'other' },
  bitmapWord: { price: 'bitmapWordNs', part: 'percpu' },
  pageAlloc: { price: 'pageAllocNs', part: 'other' },
  pageFree: { price: 'pageFreeNs', part: 'other' },
  pagePopulate: { price: 'pagePopulateNs', part: 'percpu' },
  zeroByte: { price: 'zeroByteNs', part: 'other' },
  objectInit: { price: 'objectInitNs', part: 'other' },
  pcpuAllocCall: { price: 'pcpuAllocCallNs', part: 'percpu' },
  freePercpuCall: { price: 'freePercpuCallNs', part: 'percpu' },
  memcgCharge: { price: 'memcgChargeNs', part: 'percpu' },
  memcgUncharge: { price: 'memcgUnchargeNs', part: 'percpu' },
  footprintByte: { price: 'zeroByteNs', part: 'work' },
  syscall: { price: 'syscallNs', part: 'exec' },
  pageFault: { price: 'pageFaultNs', part: 'exec' },
  anonFault: { price: 'anonFaultNs', part: 'exec' },
  anonVmaPrepare: { price: 'anonVmaPrepareNs', part: 'exec' },
  cowFault: { price: 'cowFaultNs', part: 'exec' },
  fileFault: { price: 'fileFaultNs', part: 'exec' },
  filePte: { price: 'filePteNs', part: 'exec' },
  pteZap: { price: 'pteZapNs', part: 'exec' },
  userPageByte: { price: 'zeroByteNs', part: 'exec' },
  pgtablePage: { price: 'pgtablePageNs', part: 'exec' },
  vmaCreate: { price: 'vmaCreateNs', part: 'exec' },
  vmaDestroy: { price: 'vmaDestroyNs', part: 'exec' },
  iMmapTreeLevel: { price: 'iMmapTreeLevelNs', part: 'exec' },
  lruFolio: { price: 'lruFolioNs', part: 'exec' },
  listOp: { price: 'listOpNs', part: 'exec' },
  slabObject: { price: 'slabObjectNs', part: 'exec' },
  pathComponent: { price: 'pathComponentNs', part: 'exec' },
  fileOpen: { price: 'fileOpenNs', part: 'exec' },
  kernelRead: { price: 'kernelReadNs', part: 'exec' },
  creds: { price: 'credsNs', part: 'exec' },
  mmCidExec: { price: 'mmCidExecNs', part: 'exec' },
  schedExec: { price: 'schedExecNs', part: 'exec' },
  cr3Switch: { price: 'cr3SwitchNs', part: 'exec' },
  userInstruction: { price: 'userInstructionNs', part: 'exec' },
};

/** Per kind, the ns of one unit and the index of its time-split part: what Cpu.cost charges. */
export interface KindTable {
  readonly ns: { readonly [K in CostKind]: number };
  readonly part: { readonly [K in CostKind]: number };
}

export function kindTable(profile: CostProfile): KindTable {
  const ns = {} as Record<CostKind, number>;
  const part = {} as Record<CostKind, number>;
  for (const kind of Object.keys(KIND_PRICES) as CostKind[]) {
    ns[kind] = profile[KIND_PRICES[kind].price];
    part[kind] = partIndex(KIND_PRICES[kind].part);
  }
  return { ns, part };
}
