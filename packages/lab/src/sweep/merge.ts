// `percpu-lab merge`: join the output directories of a sharded sweep into
// one. Every input must hold the same sweep (same spec); a point present in
// several inputs is taken from the first. The merged directory is an
// ordinary sweep directory: resumable, and reported like any other.
import { SweepMismatchError } from './errors.js';
import { specFingerprint } from './spec.js';
import { SweepStore } from './store.js';

export interface MergeSummary {
  store: SweepStore;
  copied: number;
  duplicates: number;
}

export function mergeSweeps(out: string, inputs: readonly string[]): MergeSummary {
  const sources = inputs.map((d) => SweepStore.read(d));
  const first = sources[0];
  if (!first) throw new SweepMismatchError('merge needs at least one sweep directory to read');
  for (const s of sources) {
    if (specFingerprint(s.spec) !== specFingerprint(first.spec)) {
      throw new SweepMismatchError(`${s.dir} holds a different sweep than ${first.dir}; merge only shards of one sweep`);
    }
  }
  const store = SweepStore.open(out, first.spec);
  let copied = 0;
  let duplicates = 0;
  for (const s of sources) {
    for (const key of s.keys()) {
      if (store.has(key)) {
        duplicates++;
        continue;
      }
      store.write(key, s.read(key));
      copied++;
    }
  }
  return { store, copied, duplicates };
}
