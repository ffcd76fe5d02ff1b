//! The process heap of a short run (Linux with glibc): grown once, in huge pages.
//!
//! Checking a 2 KB draft touches about 5 MB of fresh heap (the packs deserialized, the phrase
//! index, a few regexes compiled), and every fresh 4 KiB page costs a page fault: about 800 of
//! them, at ~2.3 µs each on the bench VM, were a third of the run's wall time (`perf stat`,
//! `perf record -e page-faults`). [`prepare_small_run`] makes the heap grow once by
//! [`REGION`] bytes, 2 MiB aligned, and asks the kernel for transparent huge pages there
//! (`madvise(MADV_HUGEPAGE)`; the default THP mode, `madvise`, honours it), so that a few faults
//! map what 600 did; [`prepare_thread`] does the same for the arena of a helper thread that
//! checks a draft's rules beside the main one. Measured with the same binary, this off and on
//! (alternating runs, medians): the 2 KB draft 820 -> 224 page faults, 8.4 -> 6.5 ms; a 230-byte
//! incident draft (two threads) 1527 -> 256 faults, 15.8 -> 13.6 ms.
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
/// platform, `TICKETLINT_HUGEPAGES=0`, a heap that did not grow where expected (called from a
/// thread with its own arena, `sbrk` refused), or a kernel without THP. Call it before the
/// run's big allocations, from the main thread.
pub fn prepare_small_run() -> Option<(usize, usize)> {
    if std::env::var_os("TICKETLINT_HUGEPAGES").is_some_and(|v| v == "0") {
        return None;
    }
    let region = imp::prepare();
    SMALL_RUN.store(region.is_some(), std::sync::atomic::Ordering::Relaxed);
    region
}

static SMALL_RUN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The same for a helper thread of a small run (one checking a draft's rules in parallel): its
/// arena's first heap, created `REGION` bytes long by the padding [`prepare_small_run`] set,
/// continues past its first 2 MiB in huge pages. Nothing unless [`prepare_small_run`] did
/// something. Call it first thing in the thread.
pub fn prepare_thread() -> Option<(usize, usize)> {
    if !SMALL_RUN.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    imp::prepare_thread()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use super::{HUGE, REGION};

    pub fn prepare() -> Option<(usize, usize)> {
        // SAFETY: `mallopt`, `sbrk(0)` (reads the break), `malloc` and `free` are called as
        // glibc documents them; the only block kept is never read or written.
        unsafe {
            // Big blocks from the heap rather than mappings of their own (each faulted in anew,
            // and unmapped on free), and a freed top of the heap kept rather than trimmed.
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
            let old = libc::sbrk(0) as usize;
            if old == usize::MAX {
                return None;
            }
            // The heap continues from `aligned` on, in huge pages; its free top below that goes
            // to a block that is never touched (address space only). Asking for more than the
            // top holds grows the heap, by REGION more with the padding; the block's end, where
            // malloc writes the new top's header, stays below `aligned` (a page written there
            // first would keep its 2 MiB from becoming a huge page).
            let mut aligned = old.next_multiple_of(HUGE);
            if aligned - old < 256 << 10 {
                aligned += HUGE;
            }
            // The padding stays: later growth comes REGION at a time too, and so does the first
            // heap of a helper thread's arena (see `prepare_thread`).
            libc::mallopt(libc::M_TOP_PAD, REGION as libc::c_int);
            let filler = libc::malloc(aligned - old);
            let brk = libc::sbrk(0) as usize;
            let end = brk & !(HUGE - 1);
            if filler.is_null() || filler as usize > old || brk == usize::MAX || end < aligned + HUGE {
                // Not the heap this expected (a thread with an arena of its own): give it back.
                libc::free(filler);
                return None;
            }
            (libc::madvise(aligned as *mut libc::c_void, end - aligned, libc::MADV_HUGEPAGE) == 0)
                .then_some((aligned, end - aligned))
        }
    }

    /// glibc's heaps for thread arenas are reserved `HEAP_MAX_SIZE` bytes at a time, aligned to
    /// that size: 64 MiB on 64-bit targets.
    const ARENA_HEAP: usize = 64 << 20;

    pub fn prepare_thread() -> Option<(usize, usize)> {
        // SAFETY: as in `prepare`; `probe` is freed, the filler is never touched.
        unsafe {
            let probe = libc::malloc(64);
            let brk = libc::sbrk(0) as usize;
            let p = probe as usize;
            let base = p & !(ARENA_HEAP - 1);
            let first_huge = base + HUGE;
            // The main arena (shared with the main thread), or not the layout expected.
            if probe.is_null() || brk == usize::MAX || p < brk || p + (256 << 10) > first_huge {
                libc::free(probe);
                return None;
            }
            // The rest of the arena's first 2 MiB (its header, the arena and what this thread
            // allocated so far are in it) to a block never touched; allocations continue past it.
            let filler = libc::malloc(first_huge - p - (64 << 10)) as usize;
            libc::free(probe);
            if filler == 0 || filler < p || filler >= first_huge {
                libc::free(filler as *mut libc::c_void);
                return None;
            }
            let len = REGION - HUGE;
            (libc::madvise(first_huge as *mut libc::c_void, len, libc::MADV_HUGEPAGE) == 0).then_some((first_huge, len))
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub fn prepare() -> Option<(usize, usize)> {
        None
    }

    pub fn prepare_thread() -> Option<(usize, usize)> {
        None
    }
}
