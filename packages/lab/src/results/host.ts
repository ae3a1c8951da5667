// Facts about the host and the tool recorded in every result, so a number
// can always be traced back to where and with what it was measured.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { HostInfo } from './schema.js';

export function hostInfo(): HostInfo {
  return {
    cores: availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  };
}

let version: string | undefined;

/** The lab package's version (compiled files live in dist/src/results/). */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
