"""A seccomp filter that makes ``unshare()`` fail with EPERM, for a child process (Linux).

Some hosts forbid new namespaces (Docker's default seccomp profile does, for a process
without CAP_SYS_ADMIN): the SPARQL workers then cannot leave the network. Tests run
``crimegraph serve`` under this filter (``preexec_fn=deny_unshare``) to meet that case for
real: the kernel refuses the call, as it would there. Inherited by every descendant.
"""

from __future__ import annotations

import ctypes
import platform
import struct

#: (audit architecture, number of the unshare system call) by machine
ARCHES = {"x86_64": (0xC000003E, 272), "aarch64": (0xC00000B7, 97)}
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, EPERM = 0x7FFF0000, 0x00050000, 1
LD_ABS_W, JEQ_K, RET_K = 0x20, 0x15, 0x06


def supported() -> bool:
    return platform.system() == "Linux" and platform.machine() in ARCHES


def _program() -> bytes:
    arch, nr = ARCHES[platform.machine()]
    insns = [
        (LD_ABS_W, 0, 0, 4),                        # seccomp_data.arch
        (JEQ_K, 0, 3, arch),                        # another ABI: allow
        (LD_ABS_W, 0, 0, 0),                        # seccomp_data.nr
        (JEQ_K, 0, 1, nr),
        (RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM),   # unshare(): EPERM
        (RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return b"".join(struct.pack("HBBI", *i) for i in insns)


def deny_unshare() -> None:
    """Install the filter in the calling process (use as ``subprocess.Popen(preexec_fn=...)``)."""
    libc = ctypes.CDLL(None, use_errno=True)
    prog = _program()
    buf = ctypes.create_string_buffer(prog, len(prog))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Fprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")
