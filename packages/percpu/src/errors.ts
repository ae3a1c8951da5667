// Every error the percpu model can raise to its user. Bad allocation
// requests are not errors (the kernel WARNs and returns NULL; so does the
// model); these are for caller bugs and impossible configurations.

export class PercpuError extends Error {
  override name = 'PercpuError';
}

/** A geometry (boot line or explicit numbers) the allocator cannot run with. */
export class PcpuGeometryError extends PercpuError {
  override name = 'PcpuGeometryError';
}

/** freePercpu/perCpuPtr got a pointer that this allocator never handed out. */
export class PcpuBadPointerError extends PercpuError {
  override name = 'PcpuBadPointerError';
}

/** freePercpu of an area that is already free. */
export class PcpuDoubleFreeError extends PercpuError {
  override name = 'PcpuDoubleFreeError';
}

/** verify() found allocator state that contradicts its own invariants. */
export class PcpuInvariantError extends PercpuError {
  override name = 'PcpuInvariantError';
}

/** Formats a percpu pointer the way error messages name it. */
export function ptrName(ptr: number): string {
  return `0x${ptr.toString(16)}`;
}
