//! CPU placement: with two or more CPUs the server runs on the last one and the client on the
//! first, each alone, as in the measurement (so a client's CPU cost per call decides its
//! throughput instead of being shared with the server's).

/// The CPU the server pins itself to, or `None` on a one-CPU machine (nothing is pinned then).
pub fn server_cpu() -> Option<usize> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cpus >= 2).then(|| cpus - 1)
}

/// The CPU of the client, when the server has one of its own.
pub fn client_cpu() -> Option<usize> {
    server_cpu().map(|_| 0)
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
