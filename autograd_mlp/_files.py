"""Writing a file atomically: a reader, a crash or a killed process sees the old file or the new one, never half of one.

:func:`atomic_write` is the one file writer of the library (models, weights,
drawings, plots, CSV tables, the command line's outputs).  It

1. writes to a temporary file in the destination's own folder (so that the
   final rename never crosses file systems),
2. flushes it to disk (``fsync``),
3. renames it over the destination (``os.replace``, atomic on POSIX and
   Windows), and
4. syncs the folder, so that the rename itself survives a power cut.

If anything fails (an exception, ``KeyboardInterrupt``) the temporary file
is removed and the destination is left as it was.

Symbolic links are written through, as editors do: saving to a link replaces
the file the link points to, and the link stays a link.  The replaced file
keeps its permission bits (``rwx`` for owner, group and others); a new file
gets the bits the umask gives any new file (never the owner-only ones of
``tempfile.mkstemp``).

Temporary files are named ``.<name>.<pid>.<random>.autograd_mlp.tmp``.  A save
that is killed before its rename (SIGKILL, the out-of-memory killer) leaves
its temporary file behind; each save removes the ones it finds in its folder,
but only when both of these say that their writer is gone (POSIX):

* the process id in the name is not a live process on this machine, and
* the file is not locked: a writer holds an exclusive ``flock`` on its
  temporary file from creation to rename, and the kernel releases it only
  when the writer closes it or dies.

So the temporary file of a save still running is never removed: its
writer's process is alive, and holds the lock even where process ids mean
nothing (another machine sharing the folder, another container).  A zombie
(killed but not yet reaped by its parent) still counts as alive; its file
goes on the first save after it is reaped.  On Windows, where an open file
cannot be removed anyway and ``os.kill`` would end the process it probes,
nothing is cleaned up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = ["atomic_write", "atomic_writer"]

_TEMP_SUFFIX = ".autograd_mlp.tmp"
# The writer's base name is cut to 200 characters: with the pid, the token and
# the suffix the temporary name stays under the 255 bytes file systems allow.
_TEMP_NAME = re.compile(r"^\..+\.(?P<pid>[0-9]{1,10})\.[0-9a-f]{12}" + re.escape(_TEMP_SUFFIX) + r"$", re.DOTALL)
_CLEANUP = os.name == "posix" and fcntl is not None


def atomic_write(path, data):
    """Write ``data`` to ``path`` atomically (see the module's docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The destination.  An existing file is replaced (through a symbolic
        link, the link's target is); its folder must exist.
    data : bytes-like, or callable
        The bytes to write, or a function ``data(stream)`` that writes them to
        a binary, seekable stream (a zip archive, a matplotlib figure ...).

    Raises ``TypeError`` for data that is neither, before touching any file,
    and ``FileNotFoundError`` naming ``path`` when its folder does not exist.
    """
    path = os.fspath(path)
    if callable(data):
        write = data
    else:
        try:
            view = memoryview(data)
        except TypeError:
            raise TypeError(
                f"atomic_write expects bytes or a function that writes to a binary stream, "
                f"got {type(data).__name__}"
            ) from None
        write = lambda stream: stream.write(view)  # noqa: E731
    with atomic_writer(path) as stream:
        write(stream)


@contextlib.contextmanager
def atomic_writer(path):
    """``with atomic_writer(path) as stream:`` — the same atomic write, for data produced piece by piece.

    ``stream`` is a binary, seekable file; when the block ends without an
    exception it is synced and renamed onto ``path``; when it raises, the
    temporary file is removed and ``path`` stays as it was.
    """
    path = os.fspath(path)
    target = _write_target(path)
    directory, name = os.path.split(target)
    if _CLEANUP:
        remove_stale_temp_files(directory)
    mode = _permission_bits(target)
    fd, temp = _create_locked_temp_file(directory, name, path)
    open_fd = fd
    try:
        if mode is not None:
            _chmod(fd, temp, mode)
        with os.fdopen(fd, "wb", closefd=False) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if os.name != "posix":  # Windows cannot rename a file that is open
            open_fd = None
            os.close(fd)
        # On POSIX the rename happens while the lock is held, so that no
        # cleaner ever sees this file unlocked under its temporary name.
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    finally:
        if open_fd is not None:
            _close(open_fd)
    _fsync_directory(directory)


def _write_target(path):
    """The file that a write to ``path`` replaces: the end of a symbolic link's chain, else ``path`` itself."""
    if os.path.islink(path):
        return os.path.realpath(path)
    return os.path.abspath(path)


def _permission_bits(target):
    """The ``rwx`` bits of the regular file ``target``, or None for a new file (the umask decides)."""
    try:
        st = os.stat(target)
    except OSError:
        return None
    return stat.S_IMODE(st.st_mode) & 0o777 if stat.S_ISREG(st.st_mode) else None


def _chmod(fd, temp, mode):
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(temp, mode)


def _close(fd):
    with contextlib.suppress(OSError):
        os.close(fd)


def _create_locked_temp_file(directory, name, path):
    """``(fd, temp_path)`` of a new temporary file next to ``name``, exclusively locked (POSIX)."""
    # os.open with mode 0o666 lets the umask decide the permissions, so the
    # saved file gets the same ones as any other file the user creates.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    pid = os.getpid()
    for _ in range(100):
        temp = os.path.join(directory, f".{name[:200]}.{pid}.{secrets.token_hex(6)}{_TEMP_SUFFIX}")
        try:
            fd = os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, "cannot save: no such directory", path) from None
        if not _lock(fd):
            return fd, temp
        # A cleaner on a machine where our pid means nothing removed the file
        # between its creation and our lock: start again under a new name.
        _close(fd)
    raise FileExistsError(errno.EEXIST, "cannot create a temporary file next to", path)


def _lock(fd):
    """Lock ``fd`` exclusively; True when the file was removed before the lock was taken."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        return False  # a file system without locks: the pid in the name still protects the file
    return os.fstat(fd).st_nlink == 0


def remove_stale_temp_files(directory):
    """Remove the temporary files in ``directory`` left by saves whose process died; returns their names.

    A file is removed only when the process id in its name is not alive and
    nobody holds its lock (see the module's docstring), so a running save's
    file is never touched.  Errors (an unreadable folder, a file removed
    meanwhile) are ignored: cleaning up is a courtesy, never a reason for a
    save to fail.
    """
    removed = []
    if not _CLEANUP:
        return removed
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or _process_alive(int(match.group("pid"))):
            continue
        if _remove_if_unlocked(entry.path):
            removed.append(entry.name)
    return removed


def _process_alive(pid):
    """Whether ``pid`` may be a live process (anything uncertain counts as alive)."""
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: an existence check, nothing is sent
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # PermissionError: alive, another user's
    return True


def _remove_if_unlocked(temp):
    try:
        fd = os.open(temp, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its writer holds it (or locks are not available: keep it)
        opened, named = os.fstat(fd), os.lstat(temp)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            return False
        os.unlink(temp)
        return True
    except OSError:
        return False
    finally:
        _close(fd)


def _fsync_directory(directory):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
