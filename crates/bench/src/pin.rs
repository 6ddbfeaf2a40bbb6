//! CPU placement: with two or more CPUs allowed, the server runs on the last one and the client
//! on the first, each alone, as in the measurement (so a client's CPU cost per call
//! decides its throughput instead of being shared with the server's).
//!
//! The CPUs are read once, before anything is pinned: after pinning, this process (and the
//! server it starts, which inherits the mask) would see only its own CPU. The parent passes the
//! server its CPU on the command line.

/// The CPUs this process may run on, in order (empty when the system does not say).
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: `set` is a zeroed cpu_set_t that sched_getaffinity fills; CPU_ISSET only reads
    // it, for indices below CPU_SETSIZE.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        let max = usize::try_from(libc::CPU_SETSIZE).unwrap_or(0);
        (0..max).filter(|&cpu| libc::CPU_ISSET(cpu, &set)).collect()
    }
}

/// The client's and the server's CPUs, when at least two are allowed.
pub fn placement() -> Option<(usize, usize)> {
    let cpus = allowed_cpus();
    match (cpus.first(), cpus.last()) {
        (Some(&client), Some(&server)) if client != server => Some((client, server)),
        _ => None,
    }
}

/// Pins the calling thread (and the threads it starts afterwards) to `cpu`; false when the
/// system refuses (then nothing changed).
pub fn pin_to(cpu: usize) -> bool {
    // SAFETY: `set` is a zeroed cpu_set_t written only through the libc macros, and
    // sched_setaffinity only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}
