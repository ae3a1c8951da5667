// Errors cross the worker boundary as plain data: structured clone keeps only
// the built-in error classes, and a report needs the job's own class name.
import type { CpuFailure } from './types.js';

export function toCpuFailure(e: unknown): CpuFailure {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack ?? '' };
  return { name: 'Error', message: String(e), stack: '' };
}

export function describeFailure(f: CpuFailure): string {
  return `${f.name}: ${f.message}`;
}
