// Every error a user of the mm layer can see. Each message says what to do.
import { MachineError } from '@percpu-lab/machine';

export class MmError extends MachineError {
  override name = 'MmError';
}

/**
 * check_mm(): an rss counter did not sum to zero when the mm was dropped
 * (the kernel's "BUG: Bad rss-counter state"). The mm is left intact and
 * still referenced, so the caller can inspect it, balance the counters and
 * drop it again.
 */
export class BadRssCounter extends MmError {
  override name = 'BadRssCounter';
  constructor(
    readonly mm: number,
    /** [counter name, value] of every counter that was not zero. */
    readonly bad: [string, number][],
  ) {
    super(
      `Bad rss-counter state mm:${mm} ${bad.map(([t, v]) => `type:${t} val:${v}`).join(' ')}; ` +
        'every addMmCounter must be balanced before the last mmdrop',
    );
  }
}

/** getStrategy() of a name nobody registered. */
export class UnknownStrategy extends MmError {
  override name = 'UnknownStrategy';
}

/** registerStrategy() of a name that is taken. */
export class StrategyExists extends MmError {
  override name = 'StrategyExists';
}

/** Options a strategy cannot work with. */
export class BadMmOptions extends MmError {
  override name = 'BadMmOptions';
}

/** defineMmStrategy() of a recipe with a missing or malformed field. */
export class BadStrategyRecipe extends MmError {
  override name = 'BadStrategyRecipe';
}
