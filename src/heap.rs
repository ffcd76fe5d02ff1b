//! The memory of a short run: the main thread allocates from one arena, in huge pages.
//!
//! Checking a 2 KB draft is mostly start-up: the packs deserialized, the phrase index built, a
//! few regexes compiled. That is about 30,000 allocations (8 MB in all, 2 MB live at the peak),
//! and glibc's `malloc`/`free`/`realloc` were 30% of the run's 29M instructions (callgrind), its
//! fresh 4 KiB pages another third of the wall time in page faults (`perf stat`).
//! [`prepare_small_run`] maps one arena of [`ARENA`] bytes (address space; only what is touched
//! becomes memory), asks for transparent huge pages there (`madvise(MADV_HUGEPAGE)`; THP mode
//! `madvise`, the common default, honours it), and from then on [`Allocator`], the binary's
//! global allocator, serves the calling thread from it:
//!
//! - sizes round up to one of [`CLASSES`] size classes (16-byte steps up to 1 KiB, then four
//!   per doubling up to [`MAX_CLASS`]); a freed block goes on its class's free list and the next
//!   allocation of that class takes it back; a class with an empty list takes fresh memory from
//!   the end of the arena;
//! - other threads, alignments above 16, sizes above [`MAX_CLASS`], and everything once the
//!   arena is full go to the system allocator. A block of the arena freed on another thread is
//!   not reused (the lists belong to the main thread and take no lock);
//! - `realloc` within a class keeps the block; fresh arena memory is zero, so `alloc_zeroed`
//!   only clears a reused block.
//!
//! Only runs whose input is small use it (the CLI calls it below
//! [`crate::rules::require::PREFILTER_WORKLOAD`]): a many-file run allocates on its worker
//! threads, and a big file's memory is bounded by the targets in the README. Nothing here
//! changes what is found, only where memory comes from. `TICKETLINT_HUGEPAGES=0` leaves
//! allocation to the system allocator (a memory checker such as valgrind's memcheck sees only
//! those allocations; a machine where huge page compaction stalls).
//!
//! Measured with the same binary, arena off and on (alternating runs, medians): see the commit
//! that introduced it and the README's performance section.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The arena's size: address space, of which a run touches what it uses at its peak (a 2 KB
/// draft about 4 MB, an incident update about 8). A run that needs more goes on with the
/// system allocator.
pub const ARENA: usize = 64 << 20;

/// The largest block the arena serves (larger ones come from the system allocator).
pub const MAX_CLASS: usize = 8 << 20;

/// Number of size classes: 64 of 16-byte steps up to 1 KiB, then 4 per doubling.
pub const CLASSES: usize = 64 + 4 * (MAX_CLASS.trailing_zeros() as usize - 10);

/// A transparent huge page on x86-64 and aarch64.
const HUGE: usize = 2 << 20;

/// The arena's bounds, for [`in_arena`] on any thread (both 0 until it is mapped).
static START: AtomicUsize = AtomicUsize::new(0);
static END: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Is this the thread the arena serves? (A `const` thread-local without a destructor: safe
    /// to read inside the allocator, even while the thread exits.)
    static OWNER: Cell<bool> = const { Cell::new(false) };
}

/// The free lists and the arena's unused end. Touched only by the owner thread.
struct State {
    next: usize,
    end: usize,
    free: [usize; CLASSES],
}

struct Arena(UnsafeCell<State>);

// SAFETY: only the thread whose `OWNER` is set reads or writes the state (checked before every
// access), and only one thread is ever made the owner (`prepare_small_run` is called once, before
// the run's threads start).
unsafe impl Sync for Arena {}

static ARENA_STATE: Arena = Arena(UnsafeCell::new(State {
    next: 0,
    end: 0,
    free: [0; CLASSES],
}));

/// The size class of a block of `size` bytes, `None` above [`MAX_CLASS`].
#[inline]
fn class_of(size: usize) -> Option<usize> {
    if size <= 1024 {
        return Some(size.saturating_sub(1) / 16);
    }
    if size > MAX_CLASS {
        return None;
    }
    // Four classes per doubling: (2^k, 2^k * 5/4], ..., (2^k * 7/4, 2^(k+1)] for k >= 10.
    let k = (usize::BITS - 1 - (size - 1).leading_zeros()) as usize; // 2^k < size <= 2^(k+1)
    let quarter = 1usize << (k - 2);
    let step = (size - 1 - (1 << k)) / quarter; // 0..=3
    Some(64 + (k - 10) * 4 + step)
}

/// The size of the blocks of class `c` (at least the size of every request in it).
#[inline]
fn class_size(c: usize) -> usize {
    if c < 64 {
        return (c + 1) * 16;
    }
    let k = (c - 64) / 4 + 10;
    let step = (c - 64) % 4;
    (1 << k) + (step + 1) * (1 << (k - 2))
}

/// Is `p` a block of the arena (on any thread)?
#[inline]
fn in_arena(p: *mut u8) -> bool {
    let start = START.load(Ordering::Relaxed);
    (p as usize).wrapping_sub(start) < END.load(Ordering::Relaxed).wrapping_sub(start)
}

/// The arena's state, if the calling thread owns it.
#[inline]
fn owned() -> Option<*mut State> {
    OWNER.with(Cell::get).then(|| ARENA_STATE.0.get())
}

/// A block for `layout` from the arena, and whether its memory may be dirty (reused); `None`
/// for a request the arena does not serve.
#[inline]
fn take(layout: Layout) -> Option<(*mut u8, bool)> {
    let state = owned()?;
    if layout.align() > 16 {
        return None;
    }
    let c = class_of(layout.size())?;
    // SAFETY: the owner thread alone gets here (see `Arena`); a block on a free list is a
    // freed block of this class, whose first word holds the next one.
    unsafe {
        let s = &mut *state;
        let head = s.free[c];
        if head != 0 {
            s.free[c] = *(head as *const usize);
            return Some((head as *mut u8, true));
        }
        let size = class_size(c);
        if s.end - s.next < size {
            return None;
        }
        let p = s.next;
        s.next += size;
        Some((p as *mut u8, false))
    }
}

/// The global allocator of the `ticketlint` binary: [`System`], except for the thread that
/// [`prepare_small_run`] gave the arena to.
pub struct Allocator;

// SAFETY: every block is either from `System` (and goes back to it) or a block of the arena of
// at least the requested size, 16-byte aligned (the arena starts 2 MiB aligned and every class
// size is a multiple of 16; larger alignments go to `System`), used by one owner at a time (it
// is on no free list while allocated).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match take(layout) {
            Some((p, _)) => p,
            // SAFETY: the caller's contract, passed on.
            None => unsafe { System.alloc(layout) },
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match take(layout) {
            Some((p, dirty)) => {
                if dirty {
                    // SAFETY: `p` is a block of at least `layout.size()` bytes.
                    unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
                }
                p
            }
            // SAFETY: the caller's contract, passed on.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if !in_arena(p) {
            // SAFETY: not an arena block, so `System` allocated it.
            return unsafe { System.dealloc(p, layout) };
        }
        // A block freed on another thread is left unused.
        if let (Some(state), Some(c)) = (owned(), class_of(layout.size())) {
            // SAFETY: the owner thread alone gets here; `p` is an arena block of class `c` (the
            // layout it was allocated with), at least 16 bytes, 16-byte aligned, no longer used.
            unsafe {
                let s = &mut *state;
                *(p as *mut usize) = s.free[c];
                s.free[c] = p as usize;
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_arena(p) {
            // SAFETY: not an arena block, so `System` allocated it.
            return unsafe { System.realloc(p, layout, new_size) };
        }
        if class_of(new_size).is_some() && class_of(new_size) == class_of(layout.size()) {
            return p;
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as `alloc`; the new block does not overlap the old one, which is still
        // allocated while it is copied.
        unsafe {
            let q = self.alloc(new_layout);
            if !q.is_null() {
                std::ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                self.dealloc(p, layout);
            }
            q
        }
    }
}

/// Map the arena and give it to the calling thread. Returns whether it did: not on another
/// platform, not with `TICKETLINT_HUGEPAGES=0`, not under a data-size limit (`ulimit -d`: the
/// mapping counts against it even where it is never touched), not twice. Call it once, from the
/// main thread, before the run's other threads start.
pub fn prepare_small_run() -> bool {
    if std::env::var_os("TICKETLINT_HUGEPAGES").is_some_and(|v| v == "0") || END.load(Ordering::Relaxed) != 0 {
        return false;
    }
    let Some(start) = imp::map(ARENA, HUGE) else {
        return false;
    };
    // SAFETY: no thread owns the arena yet (END was 0), so nothing else touches the state.
    unsafe {
        let s = &mut *ARENA_STATE.0.get();
        s.next = start;
        s.end = start + ARENA;
    }
    START.store(start, Ordering::Relaxed);
    END.store(start + ARENA, Ordering::Relaxed);
    OWNER.with(|o| o.set(true));
    true
}

#[cfg(unix)]
mod imp {
    /// `len` bytes of fresh, zeroed address space aligned to `align`, marked for huge pages on
    /// Linux; `None` if it cannot be had.
    pub fn map(len: usize, align: usize) -> Option<usize> {
        // SAFETY: `getrlimit` fills the struct; `mmap` of anonymous memory and `madvise` on part
        // of that mapping are called as documented; the mapping is never unmapped.
        unsafe {
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_DATA, &mut limit) != 0 || limit.rlim_cur != libc::RLIM_INFINITY {
                return None;
            }
            let map = libc::mmap(
                std::ptr::null_mut(),
                len + align,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            if map == libc::MAP_FAILED {
                return None;
            }
            let start = (map as usize).next_multiple_of(align);
            #[cfg(target_os = "linux")]
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
            Some(start)
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn map(_len: usize, _align: usize) -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_their_sizes_and_grow_in_order() {
        let mut last = 0;
        for size in 1..=(64 << 10) {
            let c = class_of(size).unwrap();
            assert!(class_size(c) >= size, "{size} -> class {c} of {}", class_size(c));
            assert!(c == 0 || class_size(c - 1) < size, "{size} fits a smaller class");
            assert!(c >= last);
            last = c;
            assert!(class_size(c).is_multiple_of(16));
        }
        assert_eq!(class_of(MAX_CLASS), Some(CLASSES - 1));
        assert_eq!(class_size(CLASSES - 1), MAX_CLASS);
        assert_eq!(class_of(MAX_CLASS + 1), None);
        // Four classes per doubling: a block wastes at most a quarter (plus 15 bytes).
        for size in [1025, 1280, 1281, 5000, 1 << 20, (1 << 20) + 1] {
            let c = class_of(size).unwrap();
            assert!(class_size(c) - size < size / 4 + 16, "{size}: {}", class_size(c));
        }
    }

    #[test]
    fn the_arena_serves_its_thread_only_and_reuses_freed_blocks() {
        // The test binary's allocator is the system one: drive `Allocator` directly. Only this
        // test maps the arena (it is process-wide, and owned by the thread that maps it).
        let a = Allocator;
        let mapped = prepare_small_run();
        if cfg!(unix) && std::env::var_os("TICKETLINT_HUGEPAGES").is_none() {
            assert!(mapped, "the arena maps on Unix (without a data-size limit)");
        }
        if !mapped {
            return;
        }
        assert!(!prepare_small_run(), "once only");
        unsafe {
            let l = Layout::from_size_align(100, 8).unwrap();
            let p = a.alloc_zeroed(l);
            assert!(in_arena(p) && (p as usize).is_multiple_of(16));
            assert!(std::slice::from_raw_parts(p, 100).iter().all(|&b| b == 0));
            p.write_bytes(0xAB, 100);
            a.dealloc(p, l);
            // The same class takes the freed block back, zeroed when asked.
            let q = a.alloc_zeroed(Layout::from_size_align(112, 16).unwrap());
            assert_eq!(q, p);
            assert!(std::slice::from_raw_parts(q, 112).iter().all(|&b| b == 0));
            // realloc within the class keeps the block; beyond it, moves and keeps the bytes.
            q.write_bytes(7, 112);
            let l112 = Layout::from_size_align(112, 16).unwrap();
            assert_eq!(a.realloc(q, l112, 104), q);
            let r = a.realloc(q, l112, 5000);
            assert_ne!(r, q);
            assert!(in_arena(r));
            assert!(std::slice::from_raw_parts(r, 112).iter().all(|&b| b == 7));
            a.dealloc(r, Layout::from_size_align(5000, 16).unwrap());
            // Alignments above 16 and sizes above MAX_CLASS come from the system allocator.
            let big = Layout::from_size_align(64, 64).unwrap();
            let s = a.alloc(big);
            assert!(!in_arena(s) && (s as usize).is_multiple_of(64));
            a.dealloc(s, big);
            let huge = Layout::from_size_align(MAX_CLASS + 1, 8).unwrap();
            let h = a.alloc(huge);
            assert!(!in_arena(h));
            a.dealloc(h, huge);
            // Another thread allocates from the system allocator, and may free an arena block.
            let mine = a.alloc(l) as usize;
            std::thread::spawn(move || {
                let a = Allocator;
                let theirs = a.alloc(l);
                assert!(!in_arena(theirs));
                a.dealloc(theirs, l);
                a.dealloc(mine as *mut u8, l);
            })
            .join()
            .unwrap();
            // That block is not reused (it is on no list): a fresh one comes instead.
            let next = a.alloc(l);
            assert!(in_arena(next) && next as usize != mine);
            a.dealloc(next, l);
        }
    }
}
