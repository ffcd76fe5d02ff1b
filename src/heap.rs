//! The process heap of a short run (Linux with glibc): grown once, in huge pages.
//!
//! Checking a 2 KB draft touches about 5 MB of fresh heap (the packs deserialized, the phrase
//! index, a few regexes compiled), and every fresh 4 KiB page costs a page fault: about 800 of
//! them, at ~2.3 µs each on the bench VM, were a third of the run's wall time (`perf stat`,
//! `perf record -e page-faults`). [`prepare_small_run`] makes the heap grow once by
//! [`REGION`] bytes, 2 MiB aligned, and asks the kernel for transparent huge pages there
//! (`madvise(MADV_HUGEPAGE)`; the default THP mode, `madvise`, honours it), so that a few faults
//! map what 600 did. Measured with the same binary, this off and on (alternating runs, medians):
//! the 2 KB draft 820 -> 224 page faults, 8.4 -> 6.5 ms. Only the main thread's heap: the arena of
//! a helper thread is left alone (making its first heap large enough for huge pages meant a larger
//! `M_TOP_PAD` for the whole run, which made small runs abort under a data-size limit where they
//! used to run).
//!
//! It is only for runs whose input is small (the CLI calls it below
//! [`crate::rules::require::PREFILTER_WORKLOAD`]): a many-file run spends its memory in the worker
//! threads' own arenas, and a big file's peak memory is bounded by the targets in the README.
//! Nothing here changes what is found, only where the allocator's memory lies. Set
//! `TICKETLINT_HUGEPAGES=0` to leave the heap alone (a machine where huge page compaction
//! stalls, a memory checker that dislikes `sbrk`).

/// How far the heap grows at once: a 2 KB draft peaks at about 5 MiB of heap, an incident
/// update at about 7. Untouched parts cost address space only.
pub const REGION: usize = 8 << 20;

/// A transparent huge page on x86-64 and aarch64 (4 KiB base pages).
const HUGE: usize = 2 << 20;

/// Grow the heap of this (main) thread's arena by [`REGION`] and mark its 2 MiB-aligned part for
/// huge pages. Returns that part, `(start, len)`, or `None` when nothing was marked: another
/// platform, `TICKETLINT_HUGEPAGES=0`, a data-size limit (`ulimit -d`), a heap that did not grow
/// where expected (called from a thread with its own arena, `sbrk` refused), or a kernel
/// without THP. Call it before the run's big allocations, from the main thread.
pub fn prepare_small_run() -> Option<(usize, usize)> {
    if std::env::var_os("TICKETLINT_HUGEPAGES").is_some_and(|v| v == "0") {
        return None;
    }
    imp::prepare()
}

#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
mod imp {
    use super::{HUGE, REGION};

    /// glibc's defaults (malloc/malloc.c, 64-bit): `DEFAULT_TOP_PAD`, `DEFAULT_MMAP_THRESHOLD_MIN`
    /// and twice that for trimming. Setting the mmap threshold turns off its dynamic adjustment,
    /// which only matters for a run that then goes on without huge pages.
    const DEFAULT_TOP_PAD: libc::c_int = 128 << 10;
    const DEFAULT_MMAP_THRESHOLD: libc::c_int = 128 << 10;
    const DEFAULT_TRIM_THRESHOLD: libc::c_int = 256 << 10;

    pub fn prepare() -> Option<(usize, usize)> {
        // SAFETY: `mallopt`, `sbrk(0)` (reads the break), `malloc` and `free` are called as
        // glibc documents them; the only block kept is never read or written.
        unsafe {
            // Growing the heap by REGION counts against a data-size limit (`ulimit -d`) even where
            // it is never touched: under a limit, leave the heap alone.
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_DATA, &mut limit) != 0 || limit.rlim_cur != libc::RLIM_INFINITY {
                return None;
            }
            let old = libc::sbrk(0) as usize;
            if old == usize::MAX {
                return None;
            }
            // Big blocks from the heap rather than mappings of their own (each faulted in anew,
            // and unmapped on free), and a freed top of the heap kept rather than trimmed.
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
            // The heap continues from `aligned` on, in huge pages; its free top below that goes
            // to a block that is never touched (address space only). Asking for more than the
            // top holds grows the heap, by REGION more with the padding; the block's end, where
            // malloc writes the new top's header, stays below `aligned` (a page written there
            // first would keep its 2 MiB from becoming a huge page).
            let mut aligned = old.next_multiple_of(HUGE);
            if aligned - old < 256 << 10 {
                aligned += HUGE;
            }
            libc::mallopt(libc::M_TOP_PAD, REGION as libc::c_int);
            let filler = libc::malloc(aligned - old);
            // glibc's default padding again: later growth (and a helper thread's arena) asks
            // for no more than usual, which matters under a data-size limit.
            libc::mallopt(libc::M_TOP_PAD, DEFAULT_TOP_PAD);
            let brk = libc::sbrk(0) as usize;
            let end = brk & !(HUGE - 1);
            if filler.is_null() || filler as usize > old || brk == usize::MAX || end < aligned + HUGE {
                // Not the heap this expected (a thread with an arena of its own, a refused
                // `brk`): give the block back and glibc's settings with it.
                libc::free(filler);
                libc::mallopt(libc::M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD);
                libc::mallopt(libc::M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD);
                return None;
            }
            (libc::madvise(aligned as *mut libc::c_void, end - aligned, libc::MADV_HUGEPAGE) == 0)
                .then_some((aligned, end - aligned))
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64")))]
mod imp {
    pub fn prepare() -> Option<(usize, usize)> {
        None
    }
}
