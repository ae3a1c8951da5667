// `percpu-lab bench`: the built-in default scenario (see scenario/default.ts),
// the same run `pnpm bench` ends with. Exit 0 when every case ran
// completely and passed its checks, 1 otherwise, 2 for bad usage.
import { runBench } from '../scenario/bench.js';
import { BENCH_CASES, HOST_CHECK } from '../scenario/default.js';
import { defaultOutDir } from '../results/write.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { inputErrorLines } from './input-errors.js';

export const BENCH_USAGE = `usage: percpu-lab bench [--out DIR] [--json]

Run the built-in benchmark scenario: first a ${HOST_CHECK.title} (the ceiling
this host puts on speedups right now), then doexec on 1 and 2 CPUs, every strategy,
${BENCH_CASES.map((c) => `  - ${c.title}${c.rounds > 1 ? ` (${c.rounds} rounds; speedups are medians)` : ''}`).join('\n')}
and print the acceptance figures measured in this run.

  --out DIR   output directory, one subdirectory per case and round (default results/bench-<time>)
  --json      print every round's result JSON on stdout (as a JSON array) instead of the tables

exit status: 0 ok, 1 a case failed (partial results written and marked), 2 bad usage`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the built-in benchmark scenario (doexec, CPUs 1 and 2, every strategy) and its acceptance figures',
  run: benchMain,
};

const OPTIONS = { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export async function benchMain(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('bench', argv, OPTIONS);
  try {
    if (values.help) {
      process.stdout.write(`${BENCH_USAGE}\n`);
      return 0;
    }
    const toStderr = (l: string) => process.stderr.write(`${l}\n`);
    const outcome = await runBench({
      outDir: values.out ?? defaultOutDir('bench'),
      print: values.json ? toStderr : (l) => process.stdout.write(`${l}\n`),
      log: toStderr,
    });
    if (values.json) process.stdout.write(`${JSON.stringify(outcome.results, null, 2)}\n`);
    return outcome.ok ? 0 : 1;
  } catch (e) {
    const lines = inputErrorLines(e);
    if (lines === null) throw e;
    for (const l of lines) process.stderr.write(`percpu-lab bench: ${l}\n`);
    return 2;
  }
}
