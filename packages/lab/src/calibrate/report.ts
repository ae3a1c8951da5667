// The text form of a calibration: what was measured, each fitted figure,
// and per operating point the threads engine's time per lifetime against
// the calibrated virtual engine's (the residual).
import type { Calibration } from './calibrate.js';
import type { HostFigures } from './host-figures.js';
import { figure as fmt } from '../report/units.js';
import { wrap } from '../report/wrap.js';

const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

export function calibrationLines(c: Calibration, f: HostFigures): string[] {
  const costs = c.profile.costs as Record<string, { value: number }>;
  const fitted = c.fittedKinds.filter((k) => k in c.fit.prices);
  const width = Math.max(...fitted.map((k) => k.length), 8);
  const rows = c.points.flatMap((p) => p.strategies.map((s) => ({ p, s })));
  const labelWidth = Math.max(...c.points.map((p) => p.label.length + 9));
  const stratWidth = Math.max(8, ...rows.map((r) => r.s.strategy.length));
  const worst = (fittedPoints: boolean) =>
    rows.filter((r) => r.p.fitted === fittedPoints).reduce((w, r) => Math.max(w, Math.abs(r.s.relErr)), 0);
  const hasChecks = c.points.some((p) => !p.fitted);
  return [
    `measured: lock pair spin ${fmt(f.spinPairNs)} ns, mutex ${fmt(f.mutexPairNs)} ns; atomic ${fmt(f.atomicNs)} ns; poll ${fmt(f.pollNs)} ns;`,
    `  hand-off spinning ${fmt(f.handOffNs)} ns, sleep/wake ${fmt(f.sleepWakeNs)} ns; mutex spin window ${fmt(f.mutexSpinWindowNs)} ns`,
    'fitted (ns, non-negative least squares over the 1-CPU points):',
    ...fitted.map((k) => `  ${k.padEnd(width)}  ${fmt(costs[k]!.value)}`),
    ...(c.fit.unexercised.length > 0 ? wrap(`kept from the kernel profile (no strategy exercises them here): ${c.fit.unexercised.join(', ')}`, '', '  ') : []),
    'residuals: ns of one CPU per lifetime (CPUs × 1e9 / throughput), threads engine vs the calibrated virtual engine:',
    `  ${'operating point'.padEnd(labelWidth)}  ${'strategy'.padEnd(stratWidth)}  ${'threads'.padStart(9)}  ${'virtual'.padStart(9)}  ${'error'.padStart(8)}`,
    ...rows.map(({ p, s }) =>
      `  ${`${p.label} ${p.fitted ? '(fitted)' : '(check) '}`.padEnd(labelWidth)}  ${s.strategy.padEnd(stratWidth)}  ${fmt(s.threadsNs).padStart(9)}  ` +
      `${fmt(s.virtualNs).padStart(9)}  ${signedPct(s.relErr).padStart(8)}${s.disturbed ? '  (host disturbed every repeat)' : ''}`),
    `largest |error|: ${(worst(true) * 100).toFixed(1)} % at fitted points${hasChecks ? `, ${(worst(false) * 100).toFixed(1)} % at check points` : ''}`,
  ];
}
