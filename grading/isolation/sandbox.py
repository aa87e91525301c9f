"""The sandbox every piece of a student's code runs in: Linux namespaces, an unprivileged user, resource limits.

A sandboxed program is started through bubblewrap (``bwrap``) and ``setpriv``:

* its file system holds only the operating system's ``/usr``, the Python installation and virtual
  environment (read-only), this folder's in-sandbox programs (read-only), ``relu_reference`` (the real one
  for notebooks, a stand-in that refuses every use for the verification worker), an empty ``/tmp`` and one
  scratch folder: no gradebook, no solutions, no hidden tests, no other student's work;
* it has its own process, network (loopback only, so no network), IPC and host-name namespaces, and
  bubblewrap's ``--die-with-parent``: when the sandbox's first process ends or the grader kills it, the
  kernel ends every process it started, daemons included;
* it runs as a user id of its own (one per parallel grading slot), with no capabilities and
  ``no_new_privs``, under limits on address space, processes, file size, open files and CPU time.

Where bubblewrap cannot create its namespaces, `check_available` says why, and grading refuses to start
unless the instructor explicitly accepts unsandboxed grading (`Sandbox.unsandboxed`): the same programs then
run as plain child processes with the resource limits only.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from traitlets import Bool, Integer
from traitlets.config import Configurable

HERE = Path(__file__).resolve().parent
STUB = HERE / "stub"
# Each parallel grading slot runs its sandboxes as its own unprivileged user, so that the process limit
# counts one sandbox's processes only.
FIRST_UID = 61000


class SandboxUnavailableError(RuntimeError):
    """The operating system cannot isolate students' code, and unsandboxed grading was not accepted."""


class Sandbox(Configurable):
    """The limits and mechanism of the sandbox, configured as ``c.Sandbox.<name>`` in nbgrader_config.py.

    Examples
    --------
    >>> sandbox = Sandbox(memory_mb=512)
    >>> sandbox.memory_mb, sandbox.unsandboxed
    (512, False)
    """

    memory_mb = Integer(2048, help="Address space of each sandboxed process, in MiB.").tag(config=True)
    processes = Integer(64, help="Processes and threads the sandbox's user may have at once.").tag(config=True)
    file_size_mb = Integer(64, help="Largest file a sandboxed process may write, in MiB.").tag(config=True)
    open_files = Integer(256, help="Open files of each sandboxed process.").tag(config=True)
    notebook_timeout = Integer(300, help="Seconds a whole notebook may run (each cell has Execute.timeout); "
                                         "then the sandbox and everything in it is killed.").tag(config=True)
    unsandboxed = Bool(False, help="Accept grading without namespaces where bubblewrap cannot run: students' "
                                   "code can then read and write whatever the grader can.").tag(config=True)
    slot = Integer(0, help="Which parallel grading slot this is (its own user id).").tag(config=True)

    @property
    def uid(self) -> int:
        return FIRST_UID + self.slot

    def limits(self, cpu_seconds: int) -> list[str]:
        """``prlimit`` options for a sandboxed process: address space, processes (threads count too), file
        size, open files, no core dumps, CPU seconds. Soft and hard limits alike, so they cannot be raised."""
        options = [f"--as={self.memory_mb << 20}", f"--fsize={self.file_size_mb << 20}",
                   f"--nofile={self.open_files}", "--core=0", f"--cpu={cpu_seconds}"]
        if not self.unsandboxed:  # without a user of its own, it would count the grader's processes too
            options.append(f"--nproc={self.processes}")
        return options

    def command(self, argv: list[str], *, scratch: Path, reference: str, cpu_seconds: int) -> list[str]:
        """The command line that runs `argv` in the sandbox, with `scratch` as its writable working folder.

        Parameters
        ----------
        argv : list of str
            The program; it may use `python` (this environment's interpreter) and the paths under this
            folder, which the sandbox mounts where they are.
        scratch : pathlib.Path
            The only folder the program can write to (besides its own empty ``/tmp``).
        reference : {"real", "stub", "none"}
            Which ``relu_reference`` the program sees.
        cpu_seconds : int
            CPU time after which the kernel stops the program.
        """
        limited = ["prlimit", *self.limits(cpu_seconds), "--"]
        if self.unsandboxed:
            return limited + list(argv)
        mounts = _read_only_mounts(reference)
        command = [_bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                   "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                   "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        for name in ("bin", "lib", "lib64", "sbin"):
            path = Path("/") / name
            if path.is_symlink():
                command += ["--symlink", os.readlink(path), str(path)]
        mounted: list[Path] = []
        made: set[Path] = set()
        for source, target in mounts + [(scratch, scratch)]:
            for parent in reversed(Path(target).parents):
                # bubblewrap would make missing parents unreadable to the sandbox's user; inside a mount
                # they exist already.
                if str(parent) != "/" and parent not in made and not any(_under(parent, m) for m in mounted):
                    command += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            command += ["--bind" if source == scratch else "--ro-bind", str(source), str(target)]
            mounted.append(Path(target))
        command += ["--chdir", str(scratch)]
        # prlimit runs as root still (so the process limit can be set), setpriv then drops every privilege.
        command += ["--", *limited, "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                    "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", *argv]
        return command

    def environment(self, scratch: Path, reference: str = "real") -> dict[str, str]:
        """The whole environment of a sandboxed program: nothing of the grader's is passed on."""
        extra = {"PYTHONPATH": str(STUB)} if self.unsandboxed and reference != "real" else {}
        return extra | {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(scratch), "TMPDIR": "/tmp" if not self.unsandboxed else str(scratch),
            "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(scratch / ".matplotlib"),
            "IPYTHONDIR": str(scratch / ".ipython"), "JUPYTER_RUNTIME_DIR": str(scratch / ".jupyter"),
            "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_CONFIG_DIR": str(scratch / ".jupyter"),
            "JUPYTER_DATA_DIR": str(scratch / ".jupyter"),
            # One thread per numerical library: the sandbox's process limit counts threads, and the grader
            # already runs one sandbox per core.
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }

    def scratch(self) -> Path:
        """A new empty folder that only this slot's sandbox user (and the grader) can use."""
        folder = Path(tempfile.mkdtemp(prefix="relu-grading-"))
        if os.geteuid() == 0:
            os.chown(folder, self.uid, self.uid)
        folder.chmod(0o700)
        return folder

    def popen(self, argv: list[str], *, scratch: Path, reference: str, cpu_seconds: int,
              **kwargs) -> subprocess.Popen:
        """Start `argv` in the sandbox (see `command`); the caller waits for it or calls `kill`."""
        _seed_font_cache(scratch)
        return subprocess.Popen(self.command(argv, scratch=scratch, reference=reference, cpu_seconds=cpu_seconds),
                                env=self.environment(scratch, reference), cwd=scratch,
                                start_new_session=True,  # a group of its own, so that `kill` reaches it all
                                **kwargs)


def give(path: Path, sandbox: Sandbox) -> None:
    """Let the sandbox's user (and nobody else) use `path` and, for a folder, everything in it."""
    if os.geteuid() != 0:
        return
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.chown(item, sandbox.uid, sandbox.uid)


def _seed_font_cache(scratch: Path) -> None:
    """Give the sandbox matplotlib's font list, which it would otherwise rebuild (seconds) every time."""
    try:
        import matplotlib  # noqa: PLC0415 -- only the grader's side needs it, and only here
        import matplotlib.font_manager  # noqa: F401,PLC0415 -- importing it writes the font list once
    except ImportError:
        return
    cache = Path(matplotlib.get_cachedir())
    target = scratch / ".matplotlib"
    target.mkdir(exist_ok=True)
    for path in cache.glob("fontlist-*.json"):
        shutil.copy(path, target / path.name)
    owner = scratch.stat()
    if os.geteuid() == 0:
        for path in [target, *target.iterdir()]:
            os.chown(path, owner.st_uid, owner.st_gid)


def kill(process: subprocess.Popen) -> None:
    """End a sandboxed program and everything it started, at once."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.kill()
    process.wait()


def remove(scratch: Path) -> None:
    shutil.rmtree(scratch, ignore_errors=True)


def check_available(sandbox: Sandbox) -> str | None:
    """None when students' code can be isolated here; otherwise the reason it cannot, in plain words."""
    if sandbox.unsandboxed:
        return None
    if sys.platform != "linux":
        return f"the sandbox needs Linux namespaces, and this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian and Ubuntu: sudo apt-get install bubblewrap)"
    for tool in ("setpriv", "prlimit"):
        if shutil.which(tool) is None:
            return f"{tool} (from util-linux) is not installed"
    if os.geteuid() != 0:
        return ("the grader must run as root to give each sandbox a user id of its own (bubblewrap and "
                "setpriv drop every privilege before a student's code starts)")
    scratch = sandbox.scratch()
    try:
        process = sandbox.popen([sys.executable, "-c", "import numpy"], scratch=scratch, reference="none",
                                cpu_seconds=60, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, _ = process.communicate(timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"a test sandbox could not be started: {error}"
    finally:
        remove(scratch)
    if process.returncode != 0:
        lines = output.decode(errors="replace").strip().splitlines() or [f"exit status {process.returncode}"]
        return f"bubblewrap could not create a sandbox: {lines[-1]}"
    return None


def _bwrap() -> str:
    return shutil.which("bwrap") or "bwrap"


def _read_only_mounts(reference: str) -> list[tuple[Path, Path]]:
    """(source, target) of everything a sandbox sees read-only, besides /usr's symlinks."""
    mounts = [(Path("/usr"), Path("/usr"))]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/fonts"):
        if Path(path).exists():
            mounts.append((Path(path), Path(path)))
    prefixes = {Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    mounts += [(prefix, prefix) for prefix in sorted(prefixes) if not _under(prefix, Path("/usr"))]
    mounts.append((HERE, HERE))
    package = _reference_package()
    if package is not None:
        if reference == "real" and not _under(package, Path(sys.prefix)):
            mounts.append((package.parent, package.parent))  # an editable install's source folder
        elif reference in ("stub", "none"):
            # Over the real package's place, wherever it is: an import finds the stand-in instead.
            mounts.append((STUB / "relu_reference", package))
    return mounts


def _reference_package() -> Path | None:
    """The folder of the relu_reference package (an editable install's source, or in site-packages)."""
    try:
        import relu_reference
    except ImportError:
        return None
    return Path(relu_reference.__file__).resolve().parent


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
