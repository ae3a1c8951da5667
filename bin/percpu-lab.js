#!/usr/bin/env node
// percpu-lab command line; the code lives in packages/lab (compiled by `pnpm build`).
let cli;
try {
  cli = await import('../packages/lab/dist/src/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write('percpu-lab: not built yet; run `pnpm install && pnpm build` in the repository first\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
