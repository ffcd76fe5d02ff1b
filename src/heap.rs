//! The memory of a short run: each thread allocates from its own arena, in huge pages.
//!
//! Checking a 2 KB draft is mostly start-up: the packs deserialized, the phrase index built, a
//! few regexes compiled. That is about 30,000 allocations (8 MB in all, 2 MB live at the peak),
//! and glibc's `malloc`/`free`/`realloc` were 30% of the run's 29M instructions (callgrind), its
//! fresh 4 KiB pages another third of the wall time in page faults (`perf stat`).
//! [`prepare_small_run`] reserves [`CHUNKS`] arenas of [`CHUNK`] bytes (address space; only what
//! is touched becomes memory), asks for transparent huge pages there (`madvise(MADV_HUGEPAGE)`;
//! THP mode `madvise`, the common default, honours it), and from then on [`Allocator`], the
//! binary's global allocator, serves each thread from an arena of its own, claimed at its first
//! allocation:
//!
//! - sizes round up to one of [`CLASSES`] size classes (16-byte steps up to 1 KiB, then four
//!   per doubling up to [`MAX_CLASS`]); a freed block goes on the freeing thread's free list for
//!   its class, and that thread's next allocation of the class takes it back; a class with an
//!   empty list takes fresh memory from the end of the thread's arena. The lists belong to one
//!   thread each and take no lock; a block freed on another thread goes on a lock-free list of
//!   its arena's ([`REMOTE`]), which the arena's thread takes over when its own list of that
//!   class runs empty (a worker's results, freed by the thread that prints them, come back to
//!   the worker);
//! - alignments above 16, sizes above [`MAX_CLASS`] (above [`MANY_FILES_MAX_BLOCK`] in a
//!   many-file run), threads beyond the [`CHUNKS`]th, and a
//!   thread whose arena is full go to the system allocator;
//! - `realloc` within a class keeps the block; fresh arena memory is zero, so `alloc_zeroed`
//!   only clears a reused block.
//!
//! Runs whose inputs are each small use it throughout (every input below
//! [`crate::rules::require::PREFILTER_WORKLOAD`]: a draft, an editor's buffer, a knowledge base of
//! articles). A run with a bigger input (`Workload::BigFile`) uses it only inside an
//! [`ArenaScope`] (compiling a regex), for blocks up to [`BIG_FILE_MAX_BLOCK`], in ordinary
//! pages: a big file's memory is bounded by the targets in the README, and freed arena memory
//! never goes back to the system. Helper threads give their arena to the next thread when their work
//! is done ([`release_thread`]): the threads that compile a many-file run's regexes up front,
//! then its workers. Nothing here changes what is found, only where memory comes from.
//! Once the arenas are mapped, a block of [`BIG_BLOCK`] bytes or more from the system allocator
//! (a big file's text, its masked copy) has the whole huge pages inside it marked for
//! transparent huge pages too ([`huge_if_big`]): the 10 MB bench file's run took 11,300 page
//! faults, 4 KiB each, and about 7,800 with them.
//! `TICKETLINT_HUGEPAGES=0` leaves allocation to the system allocator (a memory checker such as
//! valgrind's memcheck sees only those allocations; a machine where huge page compaction stalls).
//!
//! Measured with the same binary, arenas off and on (alternating runs, medians): see the commits
//! that introduced them and the README's performance section.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One thread's arena: address space, of which a run touches what it uses at its peak (a 2 KB
/// draft about 4 MB, an incident update about 8). A thread that needs more goes on with the
/// system allocator.
pub const CHUNK: usize = 32 << 20;

/// How many threads get an arena (the CLI's main thread and its helpers; more than a short run
/// starts on most machines).
pub const CHUNKS: usize = 8;

/// The largest block the arenas can serve: a single draft's run ([`prepare_small_run`] with
/// `Workload::Draft`) has them serve blocks up to this size (the phrase index's table, a regex's
/// lazy DFA cache: from the system allocator they cost 260 more page faults, 0.5 ms, on the
/// 2 KB draft).
pub const MAX_CLASS: usize = 8 << 20;

/// The largest block the arenas serve in a many-file run. Larger ones (a document's text, long
/// vectors) are few and come from the system allocator, which merges freed ones: kept in
/// per-thread classes, they took the bench corpus's peak RSS to 48-50 MB (43 MB with this
/// limit, 36 MB without arenas).
pub const MANY_FILES_MAX_BLOCK: usize = 64 << 10;

/// The largest block the arenas serve in a big file's run (inside an [`ArenaScope`]): the
/// compiles' many small blocks. (With [`MANY_FILES_MAX_BLOCK`] instead, the 10 MB bench file
/// took 1.8M more instructions, and its peak RSS grew more.)
pub const BIG_FILE_MAX_BLOCK: usize = 4 << 10;

/// What the run is, for [`prepare_small_run`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Inputs under a megabyte in all: mostly start-up.
    Draft,
    /// Many inputs, each under a megabyte.
    ManyFiles,
    /// An input of a megabyte or more: the arenas serve only the allocations made inside an
    /// [`ArenaScope`] (compiling a regex), in ordinary pages, up to [`BIG_FILE_MAX_BLOCK`].
    BigFile,
}

/// Do the arenas serve only the allocations inside an [`ArenaScope`] (`Workload::BigFile`)?
static SCOPED_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The largest block served now ([`MAX_CLASS`] or [`MANY_FILES_MAX_BLOCK`]).
static MAX_BLOCK: AtomicUsize = AtomicUsize::new(MAX_CLASS);

/// Number of size classes: 64 of 16-byte steps up to 1 KiB, then 4 per doubling.
pub const CLASSES: usize = 64 + 4 * (MAX_CLASS.trailing_zeros() as usize - 10);

/// A transparent huge page on x86-64 and aarch64.
const HUGE: usize = 2 << 20;

/// The reservation's bounds, for [`in_arena`] on any thread (both 0 until it is mapped), and the
/// start of the next arena to claim.
static START: AtomicUsize = AtomicUsize::new(0);
static END: AtomicUsize = AtomicUsize::new(0);
static NEXT_CHUNK: AtomicUsize = AtomicUsize::new(0);

/// A thread's free lists and the unused end of its arena.
#[derive(Clone, Copy)]
struct State {
    next: usize,
    end: usize,
    claimed: bool,
    /// The index of the thread's arena ([`NO_CHUNK`] before it has one).
    chunk: usize,
    /// How many [`ArenaScope`]s the thread is inside.
    scopes: u32,
    /// Freed blocks of the thread's arena, by class.
    free: [usize; CLASSES],
}

const NO_CHUNK: usize = usize::MAX;

impl State {
    const NEW: State = State {
        next: 0,
        end: 0,
        claimed: false,
        chunk: NO_CHUNK,
        scopes: 0,
        free: [0; CLASSES],
    };
}

/// Blocks freed by another thread than the arena's, by arena and class: a lock-free stack each
/// (pushed by any thread, taken whole by the arena's thread when its own list of the class is
/// empty). Without it, a worker's results freed by the thread that prints them would pile up on
/// the printer's lists while the worker took fresh memory for every new one.
static REMOTE: [[AtomicUsize; CLASSES]; CHUNKS] = [const { [const { AtomicUsize::new(0) }; CLASSES] }; CHUNKS];

/// Arenas given back by threads that finished their work ([`release_thread`]), for the next
/// thread that needs one: a many-file run's helper threads come and go (regexes compiled up
/// front, then the workers), and each would otherwise leave its arena's memory behind.
static POOL: std::sync::Mutex<[Option<State>; CHUNKS]> = std::sync::Mutex::new([None; CHUNKS]);

thread_local! {
    /// This thread's state. (A `const` thread-local without a destructor: safe to use inside
    /// the allocator, even while the thread exits.)
    static STATE: UnsafeCell<State> = const { UnsafeCell::new(State::NEW) };
}

/// The size class of a block of `size` bytes, `None` above [`MAX_CLASS`].
#[inline(always)]
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
#[inline(always)]
fn class_size(c: usize) -> usize {
    if c < 64 {
        return (c + 1) * 16;
    }
    let k = (c - 64) / 4 + 10;
    let step = (c - 64) % 4;
    (1 << k) + (step + 1) * (1 << (k - 2))
}

/// Is `p` a block of an arena (of any thread)?
#[inline(always)]
fn in_arena(p: *mut u8) -> bool {
    let start = START.load(Ordering::Relaxed);
    (p as usize).wrapping_sub(start) < END.load(Ordering::Relaxed).wrapping_sub(start)
}

/// Run `f` on the calling thread's state, if the arenas are mapped.
#[inline(always)]
fn with_state<R>(f: impl FnOnce(&mut State) -> Option<R>) -> Option<R> {
    if END.load(Ordering::Relaxed) == 0 {
        return None;
    }
    // SAFETY: the state is this thread's own, and `f` does not call back into the allocator.
    STATE.with(|s| f(unsafe { &mut *s.get() }))
}

/// A block for `layout` from the calling thread's arena, and whether its memory may be dirty
/// (reused); `None` for a request the arenas do not serve.
#[inline(always)]
fn take(layout: Layout) -> Option<(*mut u8, bool)> {
    if layout.align() > 16 || layout.size() > MAX_BLOCK.load(Ordering::Relaxed) {
        return None;
    }
    let c = class_of(layout.size())?;
    with_state(|s| {
        if s.scopes == 0 && SCOPED_ONLY.load(Ordering::Relaxed) {
            return None;
        }
        if s.free[c] == 0 && s.chunk != NO_CHUNK {
            let remote = &REMOTE[s.chunk][c];
            // A plain load first: the list is empty nearly always, and a swap is a locked write.
            if remote.load(Ordering::Relaxed) != 0 {
                s.free[c] = remote.swap(0, Ordering::Acquire);
            }
        }
        let head = s.free[c];
        if head != 0 {
            // SAFETY: a block on a free list is a freed arena block of this class, whose first
            // word holds the next one.
            s.free[c] = unsafe { *(head as *const usize) };
            return Some((head as *mut u8, true));
        }
        let size = class_size(c);
        if s.end - s.next < size {
            if s.claimed {
                return None;
            }
            s.claimed = true;
            claim(s)?;
            let head = s.free[c];
            if head != 0 {
                // SAFETY: as above, on the lists of the arena just claimed.
                s.free[c] = unsafe { *(head as *const usize) };
                return Some((head as *mut u8, true));
            }
            if s.end - s.next < size {
                // An arena given back nearly full: keep its lists, and the system allocator.
                return None;
            }
        }
        let p = s.next;
        s.next += size;
        Some((p as *mut u8, false))
    })
}

/// Give the thread in `s` an arena: one given back by a finished thread, else a fresh one.
/// `None` when none is left.
fn claim(s: &mut State) -> Option<()> {
    let released = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter_mut()
        .find_map(Option::take);
    match released {
        // A thread without an arena has no lists of its own (its frees went to the arenas'
        // remote lists): it takes the released arena's as they are.
        Some(r) => {
            *s = State {
                claimed: true,
                scopes: s.scopes,
                ..r
            }
        }
        None => {
            let chunk = NEXT_CHUNK.fetch_add(CHUNK, Ordering::Relaxed);
            if chunk.checked_add(CHUNK)? > END.load(Ordering::Relaxed) {
                return None;
            }
            (s.next, s.end) = (chunk, chunk + CHUNK);
            s.chunk = (chunk - START.load(Ordering::Relaxed)) / CHUNK;
        }
    }
    Some(())
}

/// Give the calling thread's arena (its unused end and its free lists) to the next thread that
/// needs one. For a helper thread at the end of its work: what it allocates afterwards comes
/// from the system allocator. Does nothing when the arenas are not mapped.
pub fn release_thread() {
    with_state(|s| {
        let r = *s;
        *s = State {
            claimed: true,
            scopes: r.scopes,
            ..State::NEW
        };
        if r.end != 0 || r.free.iter().any(|&f| f != 0) {
            let mut pool = POOL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(slot) = pool.iter_mut().find(|slot| slot.is_none()) {
                *slot = Some(State { claimed: false, ..r });
            }
        }
        Some(())
    });
}

/// While alive, the calling thread's allocations may come from its arena in a `Workload::BigFile`
/// run (in the other runs they may anyway). Compiling a regex makes thousands of short-lived
/// allocations: from glibc they were 38% of the compile's instructions on the 10 MB bench file
/// (59M of 154M, callgrind, one thread), whose other allocations stay with the system allocator,
/// which returns freed memory and so keeps its peak RSS bounded.
pub struct ArenaScope(bool, std::marker::PhantomData<*const ()>);

/// Enter an [`ArenaScope`] on the calling thread.
pub fn arena_scope() -> ArenaScope {
    // Not `Send` (the raw pointer marker): it must end on the thread whose count it raised.
    ArenaScope(
        with_state(|s| {
            s.scopes += 1;
            Some(())
        })
        .is_some(),
        std::marker::PhantomData,
    )
}

impl Drop for ArenaScope {
    fn drop(&mut self) {
        if self.0 {
            with_state(|s| {
                s.scopes = s.scopes.saturating_sub(1);
                Some(())
            });
        }
    }
}

/// Are the system allocator's big blocks marked for huge pages ([`huge_if_big`])? Set with the
/// arenas, by [`prepare_small_run`].
static BIG_HUGE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The size from which a block from the system allocator asks for huge pages.
pub const BIG_BLOCK: usize = 4 << 20;

/// Mark the whole huge pages inside the block at `p` of `size` bytes for transparent huge pages,
/// when it is [`BIG_BLOCK`] or larger: a 10 MB file's text, its masked copy and its mask are
/// otherwise touched 4 KiB at a time, a page fault each.
#[inline]
fn huge_if_big(p: *mut u8, size: usize) -> *mut u8 {
    if size >= BIG_BLOCK
        && BIG_HUGE.load(Ordering::Relaxed)
        && let Some((start, len)) = huge_pages_in(p as usize, size)
    {
        imp::advise_huge(start, len);
    }
    p
}

/// The whole huge pages inside a block at `p` of `size` bytes: their start and length, `None`
/// when there is none (or `p` is null).
fn huge_pages_in(p: usize, size: usize) -> Option<(usize, usize)> {
    if p == 0 {
        return None;
    }
    let start = p.checked_next_multiple_of(HUGE)?;
    let end = p.checked_add(size)? / HUGE * HUGE;
    (end > start).then(|| (start, end - start))
}

/// The global allocator of the `ticketlint` binary: [`System`], or the thread's arena once
/// [`prepare_small_run`] has mapped them.
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
            None => huge_if_big(unsafe { System.alloc(layout) }, layout.size()),
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
            None => huge_if_big(unsafe { System.alloc_zeroed(layout) }, layout.size()),
        }
    }

    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if !in_arena(p) {
            // SAFETY: not an arena block, so `System` allocated it.
            return unsafe { System.dealloc(p, layout) };
        }
        // On this thread's list if the block is of its arena, else on the arena's remote list.
        let Some(c) = class_of(layout.size()) else {
            return;
        };
        let chunk = (p as usize - START.load(Ordering::Relaxed)) / CHUNK;
        let local = with_state(|s| {
            (s.chunk == chunk).then(|| {
                // SAFETY: `p` is a block of this thread's arena, of class `c` (the layout it was
                // allocated with), at least 16 bytes, 16-byte aligned, no longer used.
                unsafe { *(p as *mut usize) = s.free[c] };
                s.free[c] = p as usize;
            })
        });
        if local.is_none() {
            let remote = &REMOTE[chunk][c];
            let mut head = remote.load(Ordering::Relaxed);
            loop {
                // SAFETY: as above; the block is published to the arena's thread by the
                // release of the exchange.
                unsafe { *(p as *mut usize) = head };
                match remote.compare_exchange_weak(head, p as usize, Ordering::Release, Ordering::Relaxed) {
                    Ok(_) => break,
                    Err(now) => head = now,
                }
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_arena(p) {
            // SAFETY: not an arena block, so `System` allocated it.
            return huge_if_big(unsafe { System.realloc(p, layout, new_size) }, new_size);
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

/// Map the arenas: from now on every thread allocates from one of its own (in a
/// `Workload::BigFile` run, only inside an [`ArenaScope`]). Returns whether it
/// did: not on another platform, not with `TICKETLINT_HUGEPAGES=0`, not under a data-size limit
/// (`ulimit -d`: the mapping counts against it even where it is never touched), not twice.
pub fn prepare_small_run(workload: Workload) -> bool {
    if std::env::var_os("TICKETLINT_HUGEPAGES").is_some_and(|v| v == "0") || END.load(Ordering::Relaxed) != 0 {
        return false;
    }
    set_limits(workload);
    let Some(start) = imp::map(CHUNK * CHUNKS, HUGE, workload != Workload::BigFile) else {
        return false;
    };
    BIG_HUGE.store(true, Ordering::Relaxed);
    START.store(start, Ordering::Relaxed);
    NEXT_CHUNK.store(start, Ordering::Relaxed);
    END.store(start + CHUNK * CHUNKS, Ordering::Release);
    true
}

/// What the arenas serve in a run of `workload`: blocks up to which size, and to which threads.
fn set_limits(workload: Workload) {
    MAX_BLOCK.store(
        match workload {
            Workload::Draft => MAX_CLASS,
            Workload::ManyFiles => MANY_FILES_MAX_BLOCK,
            Workload::BigFile => BIG_FILE_MAX_BLOCK,
        },
        Ordering::Relaxed,
    );
    SCOPED_ONLY.store(workload == Workload::BigFile, Ordering::Relaxed);
}

#[cfg(unix)]
mod imp {
    /// Ask for transparent huge pages in `[start, start + len)` (page aligned), where the system
    /// supports them; a hint only.
    pub fn advise_huge(start: usize, len: usize) {
        // SAFETY: `madvise` with MADV_HUGEPAGE only changes how the kernel backs the range, part
        // of a live allocation.
        #[cfg(target_os = "linux")]
        unsafe {
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (start, len);
    }

    /// `len` bytes of fresh, zeroed address space aligned to `align`, marked for huge pages on
    /// Linux; `None` if it cannot be had.
    pub fn map(len: usize, align: usize, huge: bool) -> Option<usize> {
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
            if huge {
                libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
            }
            Some(start)
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn advise_huge(_start: usize, _len: usize) {}

    pub fn map(_len: usize, _align: usize, _huge: bool) -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_their_sizes_and_grow_in_order() {
        let mut last = 0;
        for size in 1..=(256 << 10) {
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
        for size in [1025, 1280, 1281, 5000, 40_000, 1 << 20, (1 << 20) + 1] {
            let c = class_of(size).unwrap();
            assert!(class_size(c) - size < size / 4 + 16, "{size}: {}", class_size(c));
        }
    }

    #[test]
    fn huge_pages_are_the_aligned_interior_of_a_block() {
        const M: usize = HUGE;
        // Aligned at both ends: all of it.
        assert_eq!(huge_pages_in(4 * M, 2 * M), Some((4 * M, 2 * M)));
        // A glibc block starts 16 bytes into a page: the whole pages inside, none past its end.
        assert_eq!(huge_pages_in(4 * M + 16, 3 * M), Some((5 * M, 2 * M)));
        assert_eq!(huge_pages_in(4 * M + 16, 2 * M), Some((5 * M, M)));
        // No whole huge page inside, a null block, a block at the end of the address space.
        assert_eq!(huge_pages_in(4 * M + 16, 2 * M - 32), None);
        assert_eq!(huge_pages_in(4 * M + 16, M), None);
        assert_eq!(huge_pages_in(0, 8 * M), None);
        assert_eq!(huge_pages_in(usize::MAX - M, 4 * M), None);
        // Every block of BIG_BLOCK bytes or more holds one, wherever it starts.
        for off in [0, 16, M / 2, M - 16] {
            let (start, len) = huge_pages_in(6 * M + off, BIG_BLOCK).unwrap();
            assert!(start >= 6 * M + off && start + len <= 6 * M + off + BIG_BLOCK && len >= M);
        }
    }

    #[test]
    fn each_thread_allocates_from_its_own_arena_and_reuses_freed_blocks() {
        // The test binary's allocator is the system one: drive `Allocator` directly. Only this
        // test maps the arenas (they are process-wide).
        let a = Allocator;
        let mapped = prepare_small_run(Workload::Draft);
        if cfg!(unix) && std::env::var_os("TICKETLINT_HUGEPAGES").is_none() {
            assert!(mapped, "the arenas map on Unix (without a data-size limit)");
        }
        if !mapped {
            return;
        }
        assert!(!prepare_small_run(Workload::Draft), "once only");
        let chunk_of = |p: *mut u8| (p as usize - START.load(Ordering::Relaxed)) / CHUNK;
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
            // Another thread has an arena of its own; a block of this one that it frees comes
            // back here (through the remote list), and is reused here.
            let mine = a.alloc(l) as usize;
            let here = chunk_of(mine as *mut u8);
            let (theirs, again) = std::thread::spawn(move || {
                let a = Allocator;
                let theirs = a.alloc(l);
                assert!(in_arena(theirs));
                a.dealloc(mine as *mut u8, l);
                let again = a.alloc(l);
                (theirs as usize, again as usize)
            })
            .join()
            .unwrap();
            assert_ne!(chunk_of(theirs as *mut u8), here);
            assert_ne!(again, mine, "the other thread does not take this arena's block");
            let next = a.alloc(l);
            assert_eq!(next as usize, mine, "the arena's thread reuses it");
            a.dealloc(next, l);

            // A big file's run: only allocations inside a scope, up to BIG_FILE_MAX_BLOCK.
            set_limits(Workload::BigFile);
            let outside = a.alloc(l);
            assert!(!in_arena(outside), "outside a scope: the system allocator");
            let (inside, nested, after_inner, large) = {
                let _scope = arena_scope();
                let inside = a.alloc(l);
                let nested = {
                    let _inner = arena_scope();
                    a.alloc(l)
                };
                let after_inner = a.alloc(l);
                let large = Layout::from_size_align(BIG_FILE_MAX_BLOCK + 1, 8).unwrap();
                let p = a.alloc(large);
                let large_in_arena = in_arena(p);
                a.dealloc(p, large);
                (inside, nested, after_inner, large_in_arena)
            };
            assert!(in_arena(inside) && in_arena(nested), "inside a scope: the arena");
            assert!(in_arena(after_inner), "the outer scope holds after the inner one ends");
            assert!(!large, "blocks above BIG_FILE_MAX_BLOCK: the system allocator");
            let later = a.alloc(l);
            assert!(!in_arena(later), "after the scope: the system allocator again");
            // Arena blocks freed outside the scope go back to the arena all the same.
            for p in [outside, inside, nested, after_inner, later] {
                a.dealloc(p, l);
            }
            // Other threads get no arena memory without a scope of their own.
            let elsewhere = std::thread::spawn(move || {
                let a = Allocator;
                let p = a.alloc(l);
                let got = in_arena(p);
                a.dealloc(p, l);
                got
            })
            .join()
            .unwrap();
            assert!(!elsewhere);
            set_limits(Workload::Draft);
        }
    }
}
