//! A seccomp filter that refuses io_uring to the calling thread, as
//! Docker's default profile and `kernel.io_uring_disabled` do, so the
//! fallback from `uring` to `threads` is tested against a real refusal
//! rather than a mock. Shared by the library tests (on a fresh thread) and
//! the binary tests (in `Command::pre_exec`), hence `#[path]`-included.

use std::io;

/// `AUDIT_ARCH_*` from `<linux/audit.h>` (not in the libc crate): the
/// filter must check the architecture, since syscall numbers differ
/// between ABIs and a number matched on the wrong one means another call.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;

/// Offsets into `struct seccomp_data`: `nr` is first, `arch` follows.
const SECCOMP_DATA_NR: u32 = 0;
const SECCOMP_DATA_ARCH: u32 = 4;

/// Makes `io_uring_setup` fail with ENOSYS for the calling thread (and
/// what it later spawns or execs); every other syscall is allowed.
///
/// Without `SECCOMP_FILTER_FLAG_TSYNC` the filter binds only this thread,
/// so the rest of a test binary keeps io_uring. It allocates nothing and
/// makes only two `prctl` calls, so it is safe in `pre_exec` after fork.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub fn refuse_io_uring() -> io::Result<()> {
    const fn stmt(code: u32, k: u32) -> libc::sock_filter {
        libc::sock_filter {
            code: code as u16,
            jt: 0,
            jf: 0,
            k,
        }
    }
    const fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
        libc::sock_filter {
            code: code as u16,
            jt,
            jf,
            k,
        }
    }
    let mut filter = [
        stmt(
            libc::BPF_LD | libc::BPF_W | libc::BPF_ABS,
            SECCOMP_DATA_ARCH,
        ),
        // Another ABI (x32, ia32): leave it alone.
        jump(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            AUDIT_ARCH,
            1,
            0,
        ),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
        stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, SECCOMP_DATA_NR),
        jump(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            libc::SYS_io_uring_setup as u32,
            0,
            1,
        ),
        stmt(
            libc::BPF_RET | libc::BPF_K,
            libc::SECCOMP_RET_ERRNO | (libc::ENOSYS as u32 & libc::SECCOMP_RET_DATA),
        ),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let program = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_mut_ptr(),
    };
    // An unprivileged process may install a filter only once it has given
    // up gaining privileges (setuid binaries), so it cannot fool them.
    // SAFETY: plain prctl calls; `program` outlives the second, and the
    // kernel copies the filter.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &program as *const libc::sock_fprog,
        ) != 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
