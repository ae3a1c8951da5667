// Placeholder until the foundation's /proc/lock_stat formatter lands.
import type { ResultPoint } from '../results/schema.js';
export function lockStatLines(_p: ResultPoint, indent = ''): string[] {
  return [`${indent}(lock_stat formatter pending)`];
}
