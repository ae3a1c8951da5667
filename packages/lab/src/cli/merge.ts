// `percpu-lab merge --out DIR SHARD_DIR...`: join the output directories of
// a sharded sweep, then write the merged summary, charts and report, and
// print report.txt as `sweep` does.
import { withBadInput } from '../sweep/bad-input.js';
import { SweepSpecError } from '../sweep/errors.js';
import { mergeSweeps } from '../sweep/merge.js';
import { reportTerminalLines, writeSweepReport } from '../sweep/write-report.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';

export const MERGE_USAGE = `usage: percpu-lab merge --out DIR SHARD_DIR...

Join the output directories of one sweep run as shards (percpu-lab sweep
--shard i/n) into DIR, then write DIR/summary.json, DIR/charts/*.svg and
DIR/report.html. DIR may be one of the shard directories.`;

export function mergeMain(argv: string[]): Promise<number> {
  return withBadInput('merge', () => merge(argv));
}

async function merge(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('merge', argv, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    process.stdout.write(`${MERGE_USAGE}\n`);
    return 0;
  }
  if (!values.out || positionals.length === 0) throw new SweepSpecError('expected --out DIR and at least one shard directory (see percpu-lab merge --help)');
  const merged = mergeSweeps(values.out, positionals);
  const written = await writeSweepReport(merged.store, new Date().toISOString());
  const missing = written.loaded.summary.missing.length;
  process.stdout.write(
    `merged ${positionals.length} director${positionals.length > 1 ? 'ies' : 'y'}: ${merged.copied} points copied, ${merged.duplicates} already present` +
      `${missing ? `; ${missing} points still missing (run the remaining shards)` : ''}\n${reportTerminalLines(written).join('\n')}\n`,
  );
  return 0;
}

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'join the output directories of a sharded sweep and report them',
  run: mergeMain,
};
