// Loading an engine by name. It is kept apart from the engine types
// (engine.ts), which the engines themselves import: with the loader in the
// same module, every engine module would import itself in a circle. The
// virtual engine is imported by URL so that an installation without its
// tree says so instead of failing to start.
import type { Engine } from './engine.js';
import type { EngineName } from '../scenario/schema.js';

/** The engine asked for is not built into this installation. */
export class EngineUnavailable extends Error {
  override name = 'EngineUnavailable';
}

/** Load an engine by name; the virtual engine lives in its own module tree. */
export async function getEngine(name: EngineName): Promise<Engine> {
  if (name === 'threads') return (await import('./threads/index.js')).threadsEngine;
  const url = new URL('./virtual/index.js', import.meta.url).href;
  let mod: { virtualEngine?: Engine };
  try {
    mod = (await import(url)) as { virtualEngine?: Engine };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    mod = {};
  }
  if (mod.virtualEngine === undefined) throw new EngineUnavailable('the virtual engine is not built into this tree; use --engine threads');
  return mod.virtualEngine;
}
