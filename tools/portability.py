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

It prints which configurations ran and which were skipped (and why), and exits non-zero if
any configuration failed. Usage: ``python tools/portability.py [--list] [pytest args...]``.
"""

import os
import subprocess
import sys
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
    for kernel, needs in OPENBLAS_KERNELS:
        missing = sorted(needs - flags)
        reason = f"this CPU lacks {', '.join(missing)}" if missing else None
        configs.append((f"OpenBLAS {kernel} kernel", {"OPENBLAS_CORETYPE": kernel}, reason))
    for n in (1, 2):
        configs.append((f"OpenBLAS with {n} thread{'s' * (n > 1)}",
                        {"OPENBLAS_NUM_THREADS": str(n), "OMP_NUM_THREADS": str(n)}, None))
    return configs


def main(argv):
    listing = "--list" in argv
    extra = [a for a in argv if a != "--list"]
    targets = extra or ["notebooks", "lossbook"]
    configs = configurations()
    results = []
    for name, env_vars, skip in configs:
        if skip:
            print(f"skip  {name}: {skip}", flush=True)
            results.append((name, "skipped", 0.0))
            continue
        desc = " ".join(f"{k}={v!r}" for k, v in env_vars.items())
        if listing:
            print(f"run   {name}: {desc}")
            continue
        print(f"run   {name}: {desc}", flush=True)
        env = {**os.environ, **env_vars}
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "--no-header", *targets],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - start
        tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no output)"
        status = "passed" if proc.returncode == 0 else "FAILED"
        print(f"      {status} in {elapsed:.0f} s: {tail}", flush=True)
        if proc.returncode != 0:
            failed = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
            print("\n".join(f"      {ln}" for ln in failed) or proc.stdout[-3000:], flush=True)
        results.append((name, status, elapsed))
    if listing:
        return 0
    ran = [r for r in results if r[1] != "skipped"]
    bad = [r for r in ran if r[1] == "FAILED"]
    skipped = len(results) - len(ran)
    print(f"\nportability: {len(ran) - len(bad)} of {len(ran)} configurations passed, "
          f"{skipped} skipped")
    for name, status, _ in bad:
        print(f"  failed: {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
