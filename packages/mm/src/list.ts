// The kernel's intrusive circular doubly linked list (include/linux/list.h)
// over kernel memory: a list_head is two addresses, embedded in the object
// it links; an empty list points at itself. Callers hold whatever lock
// protects the list.
import { struct, type KernelMemory } from '@percpu-lab/machine';

export const ListHead = struct('list_head', { next: 'i32', prev: 'i32' });

export function initListHead(m: KernelMemory, head: number): void {
  ListHead.next.set(m, head, head);
  ListHead.prev.set(m, head, head);
}

/** list_add(): insert `entry` right after `head`. */
export function listAdd(m: KernelMemory, entry: number, head: number): void {
  const next = ListHead.next.get(m, head);
  ListHead.prev.set(m, next, entry);
  ListHead.next.set(m, entry, next);
  ListHead.prev.set(m, entry, head);
  ListHead.next.set(m, head, entry);
}

/** list_del(): unlink `entry`; its links are cleared (the kernel poisons them). */
export function listDel(m: KernelMemory, entry: number): void {
  const next = ListHead.next.get(m, entry);
  const prev = ListHead.prev.get(m, entry);
  ListHead.prev.set(m, next, prev);
  ListHead.next.set(m, prev, next);
  ListHead.next.set(m, entry, 0);
  ListHead.prev.set(m, entry, 0);
}

export function listLength(m: KernelMemory, head: number): number {
  let n = 0;
  for (let p = ListHead.next.get(m, head); p !== head; p = ListHead.next.get(m, p)) n++;
  return n;
}
