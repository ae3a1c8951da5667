// `percpu-lab bench`: the built-in default scenario (see scenario/default.ts
// and scenario/bench-plan.ts), the same run `pnpm bench` ends with. Exit 0
// when every case ran completely and passed its checks, 1 otherwise, 2 for
// bad usage; the self-check's NOT MET lines never change it.
import { runBench, SELF_CHECK_HEADING } from '../scenario/bench.js';
import { BENCH_CASES, HOST_CHECK } from '../scenario/default.js';
import { scenarioFromFlags } from '../scenario/flags.js';
import { defaultOutDir } from '../results/write.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { wrap } from '../report/wrap.js';
import { inputErrorLines } from './input-errors.js';

export const BENCH_USAGE = `usage: percpu-lab bench [--cpus LIST] [--out DIR] [--json]

Run the built-in benchmark scenario: first a ${HOST_CHECK.title} (the ceiling
this host puts on speedups right now), then doexec on 1, 2, 4, … CPUs up to this
host's cores, every strategy, threads engine,
${BENCH_CASES.flatMap((c) => wrap(`${c.title}${c.rounds > 1 ? ` (${c.rounds} rounds, the later ones on 1 and 2 CPUs; 2-CPU speedups are medians)` : ''}`, '  - ', '    ')).join('\n')}
printing for each case the throughput and speedup table, the CPU count at which
baseline's pcpu_alloc_mutex wait passes 5 % of CPU time, and the lock waits at the
largest count; then, last, a self-check of the lab's own targets. Each point
measures 1 s, less when there are many CPU counts (the output says how long).

  --cpus LIST  comma list of CPU counts instead of 1, 2, 4, … up to the host's cores
  --out DIR    output directory, one subdirectory per case and round (default results/bench-<time>)
  --json       print every round's result JSON on stdout (as a JSON array) instead of the tables

exit status: 0 ok, 1 a case failed (partial results written and marked), 2 bad usage`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the built-in benchmark scenario (doexec, CPUs 1, 2, 4, … up to the host cores, every strategy)',
  run: benchMain,
};

const OPTIONS = { cpus: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export async function benchMain(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('bench', argv, OPTIONS);
  try {
    if (values.help) {
      process.stdout.write(`${BENCH_USAGE}\n`);
      return 0;
    }
    const toStderr = (l: string) => process.stderr.write(`${l}\n`);
    const print = values.json ? toStderr : (l: string) => process.stdout.write(`${l}\n`);
    const cpus = scenarioFromFlags({ cpus: values.cpus }).raw['cpus'] as unknown[] | undefined;
    const outcome = await runBench({ outDir: values.out ?? defaultOutDir('bench'), print, log: toStderr, ...(cpus ? { cpus } : {}) });
    for (const l of ['', ...SELF_CHECK_HEADING, ...outcome.acceptance]) print(l);
    if (values.json) process.stdout.write(`${JSON.stringify(outcome.results, null, 2)}\n`);
    return outcome.ok ? 0 : 1;
  } catch (e) {
    const lines = inputErrorLines(e);
    if (lines === null) throw e;
    for (const l of lines) process.stderr.write(`percpu-lab bench: ${l}\n`);
    return 2;
  }
}
