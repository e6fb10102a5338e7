"""Strict nbval and the doctests under the numerical configurations one machine can imitate.

A learner's CPU is not ours: numpy picks SSE, AVX2 or AVX-512 kernels for exp and log at
run time, OpenBLAS picks a kernel per CPU, and both change the last bits of results. Every
stored output must survive all of them. This script runs the notebooks (strict nbval) and
the doctests once per configuration:

- numpy's SIMD dispatch: ``NPY_DISABLE_CPU_FEATURES`` turning off, in turn, each dispatch
  level above the baseline that this CPU has (AVX-512 off, then AVX2 off too);
- OpenBLAS kernels: ``OPENBLAS_CORETYPE`` for several CPU generations, each only where this
  CPU has the instructions the kernel needs (a kernel it lacks would crash, not differ);
- ``OPENBLAS_NUM_THREADS`` 1 and 2.

A configuration identical to what this machine does untold (its own OpenBLAS kernel, its
default thread count) is skipped: ``make test`` has just run it.

It prints which configurations ran and which were skipped (and why), and exits non-zero if
any configuration failed.

Usage: ``python tools/portability.py [--list] [--jobs=N] [pytest args...]``.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# OpenBLAS kernels, oldest first, with the CPU flags (as in /proc/cpuinfo) each one needs.
OPENBLAS_KERNELS = [
    ("Prescott", {"pni"}),  # SSE3 is "pni" in /proc/cpuinfo
    ("Nehalem", {"ssse3", "sse4_2"}),
    ("Sandybridge", {"avx"}),
    ("Haswell", {"avx2", "fma"}),
    ("Zen", {"avx2", "fma"}),
    ("SkylakeX", {"avx512f", "avx512bw", "avx512vl"}),
]

# numpy's dispatch levels above the x86-64 baseline, highest first, and the names to
# disable to take the CPU one level down (a level only exists if the build dispatches it).
NUMPY_LEVELS = [
    ("AVX-512", ["X86_V4", "AVX512_ICL", "AVX512_SPR", "AVX512_SKX", "AVX512_CLX",
                 "AVX512_CNL", "AVX512F", "AVX512CD", "AVX512_KNL", "AVX512_KNM"]),
    ("AVX2", ["X86_V3", "AVX2", "FMA3"]),
]


def cpu_flags():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def numpy_dispatch():
    """The names numpy can dispatch to, and the features this CPU has, as numpy sees them."""
    code = (
        "import json\n"
        "try:\n from numpy._core import _multiarray_umath as m\n"
        "except ImportError:\n from numpy.core import _multiarray_umath as m\n"
        "print(json.dumps([list(m.__cpu_dispatch__),"
        " [k for k, v in m.__cpu_features__.items() if v]]))"
    )
    import json

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    dispatch, features = json.loads(out.stdout)
    return set(dispatch), set(features)


def openblas_info(kernel=None):
    """The kernels OpenBLAS (numpy's and scipy's) really loads for OPENBLAS_CORETYPE=kernel
    (None: the one it picks for this CPU), and its default number of threads."""
    code = ("import numpy, scipy.linalg, threadpoolctl\n"
            "info = [i for i in threadpoolctl.threadpool_info()"
            " if i['internal_api'] == 'openblas']\n"
            "print(sorted({i.get('architecture') for i in info}))\n"
            "print(max([i['num_threads'] for i in info], default=0))")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    lines = out.stdout.split()
    return (lines[0] if lines else str(kernel)), (int(lines[1]) if len(lines) > 1 else 0)


def configurations():
    """(name, environment, reason to skip or None) for every configuration of the matrix."""
    dispatch, features = numpy_dispatch()
    configs, disabled = [], []
    for level, names in NUMPY_LEVELS:
        mine = [n for n in names if n in dispatch and n in features]
        if not mine:
            configs.append((f"numpy without {level}", None,
                            f"this CPU or numpy build has no {level} kernels to turn off"))
            continue
        disabled += mine
        configs.append((f"numpy without {level}",
                        {"NPY_DISABLE_CPU_FEATURES": " ".join(disabled)}, None))
    flags = cpu_flags()
    # What OpenBLAS does untold is what `make test` runs already: no need to run it again.
    default_arch, default_threads = openblas_info()
    seen = {default_arch: "this CPU's default, which make test runs"}
    for kernel, needs in OPENBLAS_KERNELS:
        missing = sorted(needs - flags)
        reason = f"this CPU lacks {', '.join(missing)}" if missing else None
        if reason is None:
            arch, _ = openblas_info(kernel)
            if arch in seen:
                reason = f"OpenBLAS runs the same {arch} kernels as for {seen[arch]}"
            seen.setdefault(arch, kernel)
        configs.append((f"OpenBLAS {kernel} kernel", {"OPENBLAS_CORETYPE": kernel}, reason))
    for n in (1, 2):
        reason = (f"{n} is OpenBLAS's default here, which make test runs"
                  if n == default_threads else None)
        configs.append((f"OpenBLAS with {n} thread{'s' * (n > 1)}",
                        {"OPENBLAS_NUM_THREADS": str(n), "OMP_NUM_THREADS": str(n)}, reason))
    return configs


def run(name, env_vars, targets):
    """Start one configuration's pytest run; the caller waits for it."""
    env = {**os.environ, **env_vars}
    cmd = [sys.executable, "-m", "pytest", "-q", "--no-header", *targets]
    log = tempfile.TemporaryFile("w+")  # a file, not a pipe: a full pipe would block pytest
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log = log
    return proc


def report(name, proc, start):
    proc.wait()
    proc.log.seek(0)
    out = proc.log.read()
    proc.log.close()
    elapsed = time.perf_counter() - start
    tail = out.strip().splitlines()[-1] if out.strip() else "(no output)"
    status = "passed" if proc.returncode == 0 else "FAILED"
    print(f"done  {name}: {status} in {elapsed:.0f} s: {tail}", flush=True)
    if proc.returncode != 0:
        failed = [ln for ln in out.splitlines() if ln.startswith(("FAILED", "ERROR"))]
        print("\n".join(f"      {ln}" for ln in failed) or out[-3000:], flush=True)
    return status


def main(argv):
    """Run every configuration, ``--jobs`` at a time (default: the number of CPUs, at most 2)."""
    listing = "--list" in argv
    jobs = min(2, os.cpu_count() or 1)
    rest = []
    for arg in argv:
        if arg.startswith("--jobs="):
            jobs = max(1, int(arg.split("=", 1)[1]))
        elif arg != "--list":
            rest.append(arg)
    targets = rest or ["notebooks", "lossbook"]
    todo, results = [], {}
    for name, env_vars, skip in configurations():
        if skip:
            print(f"skip  {name}: {skip}", flush=True)
            continue
        print(f"{'run ' if not listing else 'would run'}  {name}: "
              + " ".join(f"{k}={v!r}" for k, v in env_vars.items()), flush=True)
        todo.append((name, env_vars))
    if listing:
        return 0
    running = []
    while todo or running:
        while todo and len(running) < jobs:
            name, env_vars = todo.pop(0)
            running.append((name, run(name, env_vars, targets), time.perf_counter()))
        time.sleep(0.5)
        for item in [r for r in running if r[1].poll() is not None]:
            running.remove(item)
            results[item[0]] = report(*item)
    bad = [name for name, status in results.items() if status != "passed"]
    print(f"\nportability: {len(results) - len(bad)} of {len(results)} configurations passed")
    for name in bad:
        print(f"  failed: {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
