// `percpu-lab check RESULT --baseline FILE [--json]`: the regression gate.
// Prints a markdown table for a pull-request comment (or JSON), and exits
// 0 when every metric is within tolerance, 1 on a regression, 2 when the
// inputs cannot be compared (unreadable, corrupted, or unrelated files).
import { runCheck } from '../check/check.js';
import { checkMarkdown } from '../check/markdown.js';
import { withBadInput } from '../sweep/bad-input.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { UsageError } from './errors.js';

export const CHECK_USAGE = `usage: percpu-lab check RESULT --baseline FILE [--json]

Compare a run's result JSON (or a sweep output directory) with a baseline.
Virtual-engine metrics must match within 1 %. Threads-engine metrics are
ratios within one run (speedup, throughput vs baseline, round by round over
interleaved repeats) and lock figures; the timing figures are judged by their
95 % intervals: a regression only when the current interval lies beyond the
baseline's by more than 5 %. A side with fewer than 6 repeats has no interval:
its timing figures are NOT JUDGED (neither passed nor failed, and listed as
such); lock acquisitions per lifetime are judged by value (10 %).

  --baseline FILE  the baseline result (committed: baselines/virtual-doexec.json)
  --json           print the comparison as JSON instead of markdown

exit status: 0 pass, 1 regression (or no metric could be judged), 2 bad input`;

export function checkMain(argv: string[]): Promise<number> {
  return withBadInput('check', () => check(argv));
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'check',
    argv,
    { baseline: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || !values.baseline) {
    throw new UsageError('expected one RESULT and --baseline FILE (see percpu-lab check --help)');
  }
  const result = positionals[0]!;
  const report = runCheck(result, values.baseline);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ baseline: values.baseline, result, ...report }, null, 2)}\n`
      : checkMarkdown(report, { baselinePath: values.baseline, currentPath: result }),
  );
  return report.pass ? 0 : 1;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'compare a result or sweep with a baseline (CI regression gate)',
  run: checkMain,
};
