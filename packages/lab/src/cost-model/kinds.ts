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
  allocRetry: { price: 'allocRetryNs', part: 'other' },
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
