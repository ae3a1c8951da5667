// The fit at the heart of `percpu-lab calibrate`, kept pure so it is tested
// without running an engine. Each observation is one strategy at one 1-CPU
// operating point: the threads engine's ns per mm lifetime, the time the
// virtual engine charges outside any price (the exec work, --work-ns), and
// how many units of each priced kind the virtual engine charges per
// lifetime there (from virtual runs with that one price at 1, the others at
// 0). At one CPU nothing waits, so the virtual engine's time per lifetime
// is linear in the prices:
//   measured ≈ fixed + Σ_known price·units + Σ_fitted price·units.
// The fitted prices are the non-negative least-squares solution on relative
// error, so a 5 µs lifetime at --work-ns 0 counts as much as a 45 µs one at
// the derived work: validate judges ratios, not nanoseconds.

export interface Observation {
  /** Which strategy at which operating point, for the residual table. */
  label: string;
  /** Threads engine, ns per lifetime (everything, the work included). */
  measuredNs: number;
  /** What the virtual engine charges per lifetime besides the prices (the work). */
  fixedNs: number;
  /** Units per lifetime of each priced kind (virtual engine). */
  units: Readonly<Record<string, number>>;
}

export interface Residual {
  label: string;
  measuredNs: number;
  fittedNs: number;
  /** fitted / measured − 1. */
  relErr: number;
}

export interface Fit {
  /** Every fitted kind some observation uses; its price, ≥ 0. */
  prices: Record<string, number>;
  /** Fitted kinds no observation uses: nothing here can measure them. */
  unexercised: string[];
  residuals: Residual[];
}

/** Non-negative least squares: min ‖A x − b‖², x ≥ 0, by coordinate descent on the normal equations. */
export function nnls(a: readonly (readonly number[])[], b: readonly number[], sweeps = 20_000): number[] {
  const m = a[0]?.length ?? 0;
  const h = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => a.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const g = Array.from({ length: m }, (_, i) => a.reduce((s, r, k) => s + r[i]! * b[k]!, 0));
  const x = new Array<number>(m).fill(0);
  for (let it = 0; it < sweeps; it++) {
    let moved = 0;
    for (let i = 0; i < m; i++) {
      const hi = h[i]!;
      if (hi[i] === 0) continue;
      const grad = hi.reduce((s, hij, j) => s + hij * x[j]!, 0) - g[i]!;
      const next = Math.max(0, x[i]! - grad / hi[i]!);
      moved = Math.max(moved, Math.abs(next - x[i]!) * Math.sqrt(hi[i]!));
      x[i] = next;
    }
    if (moved < 1e-13) break;
  }
  return x;
}

/** ns per lifetime the linear model gives an observation with these prices. */
export function modelNs(o: Observation, prices: Readonly<Record<string, number>>): number {
  return o.fixedNs + Object.entries(o.units).reduce((t, [k, u]) => t + (prices[k] ?? 0) * u, 0);
}

/** Fit the `fitted` kinds' prices to the observations, with the `known` prices held. */
export function fitPrices(observations: readonly Observation[], known: Readonly<Record<string, number>>, fitted: readonly string[]): Fit {
  const used = fitted.filter((k) => observations.some((o) => (o.units[k] ?? 0) > 0));
  const rows = observations.map((o) => used.map((k) => (o.units[k] ?? 0) / o.measuredNs));
  const targets = observations.map((o) => (o.measuredNs - modelNs(o, known)) / o.measuredNs);
  const x = nnls(rows, targets);
  const prices = Object.fromEntries(used.map((k, i) => [k, x[i]!]));
  const all = { ...known, ...prices };
  return {
    prices,
    unexercised: fitted.filter((k) => !used.includes(k)),
    residuals: observations.map((o) => {
      const fittedNs = modelNs(o, all);
      return { label: o.label, measuredNs: o.measuredNs, fittedNs, relErr: fittedNs / o.measuredNs - 1 };
    }),
  };
}
