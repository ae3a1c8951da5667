// The regression gate as a function: load both sides, compare, and say
// whether the comparison could be made at all (two inputs with no point in
// common are a usage error, not a pass).
import { compareRows, type CheckReport } from './compare.js';
import { CheckInputError } from './errors.js';
import { loadRows } from './load.js';

export function runCheck(resultPath: string, baselinePath: string): CheckReport {
  const baseline = loadRows(baselinePath, 'baseline');
  const current = loadRows(resultPath, 'result');
  const report = compareRows(baseline, current);
  if (report.comparisons.every((c) => c.verdict === 'missing' || c.verdict === 'new')) {
    throw new CheckInputError(
      `${resultPath} and ${baselinePath} share no measured point; run the scenario the baseline records (see \`percpu-lab baseline --help\`)`,
    );
  }
  return report;
}
