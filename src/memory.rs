//! How the process asks glibc's allocator to behave, set once at start.
//!
//! Measured with bench/suite.py (see bench/README.md): with the defaults, one sign-in left
//! the 19 MiB of its Argon2 hash in the heap for good (glibc raises its mmap threshold
//! after freeing a large block, so the next one is taken from the heap and never returned),
//! and every blocking thread got a malloc arena of its own that kept what it once used.

/// Large blocks (over 256 KiB: Argon2's memory, big CSV or JSON buffers) are mapped and
/// unmapped on their own, so freeing them returns the memory; at most two arenas per core.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune_allocator() {
    const MMAP_THRESHOLD: libc::c_int = 256 * 1024;
    let arenas = libc::c_int::try_from(2 * crate::config::cores()).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only changes allocator parameters; it is called before any thread
    // other than main exists, and a refused setting (return 0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

/// Other platforms keep their allocator's defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune_allocator() {}
