// Where an exec puts the new image's VMAs on x86-64 (fs/binfmt_elf.c
// load_elf_binary, arch/x86/mm/mmap.c arch_pick_mmap_layout,
// fs/exec.c setup_arg_pages, arch_randomize_brk), with ASLR on:
//  - the stack starts as one page at STACK_TOP_MAX and moves down to a
//    random top up to 16 GiB lower (randomize_stack_top: 22 bits of pages);
//  - the mmap area's top lies below the stack's rlimit (8 MiB), the stack
//    randomisation gap and a guard, down to 2^28 pages lower
//    (mmap_rnd_bits = 28); objects go there top-down, each object's
//    segments together;
//  - an ET_EXEC image sits at its link address, 0x400000; an ET_DYN (PIE)
//    one at ELF_ET_DYN_BASE plus a random offset;
//  - the brk heap starts within 1 GiB after the end of the image.
// How many page-table pages a cycle builds follows from these places.
import { PAGE_SIZE } from '@percpu-lab/machine';
import type { BinaryImage } from './image.js';

/** The user-space end of the stack: STACK_TOP_MAX on x86-64 (TASK_SIZE_MAX). */
export const STACK_TOP_MAX = 0x7ffffffff000;
/** randomize_stack_top: up to 16 GiB below STACK_TOP (22 bits of pages). */
export const STACK_RND_PAGES = 2 ** 22;
/** The stack VMA after setup_arg_pages grew it (128 KiB). */
export const STACK_PAGES = 32;
const MMAP_GAP = 16 * 2 ** 30 + 8 * 2 ** 20 + 2 ** 20;
const MMAP_RND_PAGES = 2 ** 28;
const EXEC_BASE = 0x400000;
const ET_DYN_BASE = 0x555555554000;
const PIE_RND_PAGES = 2 ** 20;
const BRK_RND_PAGES = 2 ** 18;

/**
 * The start of every VMA of `image` below a stack whose top is
 * `stackTop`; `randomPages(n)` is a random multiple of PAGE_SIZE below
 * n pages.
 */
export function layoutImage(image: BinaryImage, stackTop: number, randomPages: (n: number) => number): number[] {
  const starts: number[] = [];
  let cursor = 0;
  let mmapTop = stackTop - MMAP_GAP - randomPages(MMAP_RND_PAGES);
  for (const [i, spec] of image.vmas.entries()) {
    const len = spec.pages * PAGE_SIZE;
    switch (spec.at) {
      case 'image': cursor = image.fixedBase ? EXEC_BASE : ET_DYN_BASE + randomPages(PIE_RND_PAGES); break;
      case 'heap': cursor += randomPages(BRK_RND_PAGES); break;
      case 'mmap': {
        // The object: this VMA and the 'next' ones after it.
        let size = len;
        for (let j = i + 1; j < image.vmas.length && image.vmas[j]!.at === 'next'; j++) size += image.vmas[j]!.pages * PAGE_SIZE;
        mmapTop -= size;
        cursor = mmapTop;
        break;
      }
      case 'next': break;
    }
    starts.push(cursor);
    cursor += len;
  }
  return starts;
}
