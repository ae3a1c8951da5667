// Number formats for the report's tables: short, unit-scaled, kernel style.

export function si(n: number): string {
  if (!Number.isFinite(n)) return '–';
  // Scale by the value as printed, so 999 600 is 1.00M, not 1.00e+3k.
  const abs = Math.abs(Number(n.toPrecision(3)));
  if (abs >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}

/** Time with its unit chosen per value, as `perf lock contention` prints it. */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} us`;
  return `${Math.round(ns)} ns`;
}

export function percent(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–';
}

export function signedPercent(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '–';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
