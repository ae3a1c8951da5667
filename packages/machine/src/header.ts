// The first line of kernel memory: identifies the layout and holds the
// boot-time allocation cursor and where the symbol table was written.
import { struct, CACHE_LINE } from './struct.js';

export const KERNEL_MAGIC = 0x70637075; // 'pcpu'
export const LAYOUT_VERSION = 1;

export const Header = struct('kernel_header', {
  magic: 'i32',
  layoutVersion: 'i32',
  nrCpus: 'i32',
  pageShift: 'i32',
  memblockNext: 'i32',
  memblockEnd: 'i32',
  symtabAddr: 'i32',
  symtabBytes: 'i32',
  lockStatEnabled: 'i32',
  nrLockClasses: 'i32',
  /** Set by the engine when a run must stop (watchdog, error, deadline). */
  stop: 'i32',
  pad: { bytes: CACHE_LINE - 44 },
});
