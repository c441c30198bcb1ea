"""atomic_write: all or nothing, through symbolic links with the mode kept, and no temp file of a killed save left for long."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from autograd_mlp import _files
from autograd_mlp._files import atomic_write, remove_stale_temp_files

posix_only = pytest.mark.skipif(os.name != "posix", reason="symbolic links, modes and locks as POSIX has them")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_bytes_or_a_writer_function(tmp_path):
    atomic_write(tmp_path / "a.bin", b"abc")
    atomic_write(str(tmp_path / "b.bin"), lambda stream: stream.write(b"xyz"))
    atomic_write(tmp_path / "c.bin", bytearray(b"12"))
    assert (tmp_path / "a.bin").read_bytes() == b"abc"
    assert (tmp_path / "b.bin").read_bytes() == b"xyz"
    assert (tmp_path / "c.bin").read_bytes() == b"12"
    assert names(tmp_path) == ["a.bin", "b.bin", "c.bin"]


def test_other_data_is_refused_before_any_file_is_touched(tmp_path):
    with pytest.raises(TypeError, match="bytes or a function"):
        atomic_write(tmp_path / "a.txt", "text")
    assert names(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path, error):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")

    def half_then_fail(stream):
        stream.write(b"new, half of it")
        raise error("disk full")

    with pytest.raises(error, match="disk full"):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["m.bin"]


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such_dir"):
        atomic_write(tmp_path / "no_such_dir" / "m.bin", b"")


@posix_only
def test_a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"")  # what open() gives under the current umask
    atomic_write(tmp_path / "new", b"1")
    assert mode(tmp_path / "new") == mode(plain)
    kept = tmp_path / "kept"
    kept.write_bytes(b"old")
    os.chmod(kept, 0o640)
    atomic_write(kept, b"new")
    assert kept.read_bytes() == b"new" and mode(kept) == 0o640


@posix_only
def test_saving_over_a_symlink_writes_through_to_its_target(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "models" / "m.keras"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    link = tmp_path / "links" / "current.keras"
    link.symlink_to(os.path.join("..", "models", "m.keras"))  # relative, into another folder
    atomic_write(link, b"new")
    assert link.is_symlink() and os.readlink(link) == os.path.join("..", "models", "m.keras")
    assert target.read_bytes() == b"new"
    assert mode(target) == 0o600  # as editors do: the file keeps its permissions
    assert names(tmp_path / "models") == ["m.keras"] and names(tmp_path / "links") == ["current.keras"]


@posix_only
def test_a_chain_of_links_and_a_dangling_link(tmp_path):
    target = tmp_path / "real"
    (tmp_path / "first").symlink_to("second")
    (tmp_path / "second").symlink_to("real")
    atomic_write(tmp_path / "first", b"made")  # the chain ends at a file not yet there: it is created
    assert target.read_bytes() == b"made"
    assert (tmp_path / "first").is_symlink() and (tmp_path / "second").is_symlink()


# --------------------------------------------------- temp files of killed saves
_SLOW_SAVE = textwrap.dedent(
    """
    import sys
    from autograd_mlp._files import atomic_write

    def slow(stream):
        stream.write(b"partial " * 1000)
        stream.flush()
        print("writing", flush=True)
        sys.stdin.readline()  # until the test lets it finish (or kills it)
        stream.write(b"end")

    atomic_write(sys.argv[1], slow)
    """
)


def start_slow_save(target):
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW_SAVE, str(target)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline() == "writing\n"  # mid-save: its temp file is on disk
    return child


def temp_files(folder):
    return [name for name in names(folder) if name.endswith(".autograd_mlp.tmp")]


@posix_only
def test_the_temp_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    child = start_slow_save(target)
    [left] = temp_files(tmp_path)
    assert f".{child.pid}." in left
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdin.close()
    child.stdout.close()
    assert target.read_bytes() == b"old" and temp_files(tmp_path) == [left]  # the kill left it behind
    atomic_write(tmp_path / "other.bin", b"x")  # any later save to the same folder
    assert names(tmp_path) == ["m.bin", "other.bin"]


@posix_only
def test_the_temp_file_of_a_running_save_is_never_removed(tmp_path):
    target = tmp_path / "m.bin"
    child = start_slow_save(target)
    try:
        [running] = temp_files(tmp_path)
        atomic_write(tmp_path / "other.bin", b"x")
        assert remove_stale_temp_files(tmp_path) == []
        assert temp_files(tmp_path) == [running]
    finally:
        child.stdin.write("go on\n")
        child.stdin.close()
        assert child.wait(timeout=60) == 0
        child.stdout.close()
    assert target.read_bytes() == b"partial " * 1000 + b"end"
    assert names(tmp_path) == ["m.bin", "other.bin"]


@posix_only
def test_the_lock_protects_a_file_whose_pid_means_nothing_here(tmp_path, monkeypatch):
    # As for a writer on another machine sharing the folder: its pid is not a
    # process here, but it holds its lock until it dies.
    fcntl = pytest.importorskip("fcntl")
    monkeypatch.setattr(_files, "_process_alive", lambda pid: False)
    temp = tmp_path / ".m.bin.4000000.0123456789ab.autograd_mlp.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert remove_stale_temp_files(tmp_path) == []
        assert temp.exists()
    finally:
        os.close(fd)  # the writer dies: the kernel drops its lock
    assert remove_stale_temp_files(tmp_path) == [temp.name]
    assert names(tmp_path) == []


@posix_only
def test_files_of_other_programs_and_of_live_processes_are_left_alone(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # reaped by run(): no such process any more (unless the pid is reused)
    keep = [
        ".m.bin.0123456789ab.tmp",  # no pid in the name
        f".m.bin.{dead_pid}.0123456789ab.tmp",  # not our suffix
        f"m.bin.{dead_pid}.xyz.autograd_mlp.tmp",
        f".m.bin.{os.getpid()}.0123456789ab.autograd_mlp.tmp",  # this very process: alive
        f".m.bin.{os.getppid()}.0123456789ab.autograd_mlp.tmp",
        ".m.bin.1.0123456789ab.autograd_mlp.tmp",  # init: alive
        ".m.bin.0.0123456789ab.autograd_mlp.tmp",  # not a process id
    ]
    for name in keep:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "folder.1.0123456789ab.autograd_mlp.tmp").mkdir()
    assert remove_stale_temp_files(tmp_path) == []
    assert names(tmp_path) == sorted(keep + ["folder.1.0123456789ab.autograd_mlp.tmp"])
