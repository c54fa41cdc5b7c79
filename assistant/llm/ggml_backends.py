"""Load llama.cpp's CPU kernels for this CPU, never the AMX ones: call `load_cpu_backend()`
before the first `llama_cpp.Llama()` of a process (llm/llama_server.py does it for the model
server, tests/tiny_gguf.py for the decode check).

Why this is hand-written: llama-cpp-python built with `-DGGML_BACKEND_DL=ON
-DGGML_CPU_ALL_VARIANTS=ON` (README) installs one ggml-cpu library per x86 CPU generation
(`site-packages/bin/libggml-cpu-{x64,sse42,…,haswell,…,zen4,alderlake,sapphirerapids}.so`) and
nothing in llama-cpp-python loads them: `ggml_backend_load_all()` searches only the directory of
the python executable and the current directory, so without this no backend is registered and
no model loads ("no backends are loaded"). And ggml's own choice on an AMX CPU is
`sapphirerapids`, whose AMX matmul crashes (SIGILL/SIGSEGV in `ggml_backend_amx_mul_mat`) where
the hypervisor advertises AMX but the tile instructions do not work, as on the machine this was
measured on (eval/results/llamacpp-build.md). So: a private directory of symlinks to every
variant except the AMX ones, and `ggml_backend_load_all_from_path(dir)` through ctypes on the
libggml instance the `llama_cpp` package uses; ggml scores the remaining variants against the
CPU's features and loads the best one (`zen4` on an AVX-512 VNNI/BF16 CPU, `haswell` on an
AVX2-only one). No ggml CMake option builds a chosen subset of the variants (0.3.36).

A build with the CPU kernels linked in (the former portable AVX2 build) has no variant files:
then this does nothing. ASSISTANT_LLAMACPP_AMX=1 lets ggml pick an AMX variant too.
"""

from __future__ import annotations

import ctypes
import os
import re
import tempfile
import threading
from pathlib import Path

AMX_VARIANTS = ("sapphirerapids",)  # the x86 variants built with AMX_TILE/AMX_INT8 (ggml/src/CMakeLists.txt)
_VARIANT = re.compile(r"^libggml-cpu-(.+)\.so$")

_lock = threading.Lock()
_loaded: str | None = None
_done = False


class _Feature(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def amx_allowed() -> bool:
    return os.environ.get("ASSISTANT_LLAMACPP_AMX", "").strip().lower() in ("1", "true", "yes", "on")


def variant_files() -> dict[str, Path]:
    """The installed CPU variant libraries by name ("zen4": …/bin/libggml-cpu-zen4.so); empty
    for a build with the CPU kernels linked in."""
    found: dict[str, Path] = {}
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        files = distribution("llama_cpp_python").files or []
    except PackageNotFoundError:
        files = []
    for file in files:
        match = _VARIANT.match(Path(str(file)).name)
        if match:
            path = Path(file.locate()).resolve()
            if path.is_file():
                found[match.group(1)] = path
    if not found:  # an install without a RECORD (e.g. a source checkout on LLAMA_CPP_LIB_PATH)
        import llama_cpp

        package = Path(llama_cpp.__file__).parent
        for folder in (package.parent / "bin", package / "lib"):
            for path in folder.glob("libggml-cpu-*.so"):
                found[_VARIANT.match(path.name).group(1)] = path.resolve()
    return found


def _libggml() -> ctypes.CDLL:
    """The libggml that libllama is linked against, as already loaded by `import llama_cpp`
    (RTLD_NOLOAD by its soname: never a second copy, whose backend registry libllama would not see)."""
    import llama_cpp  # noqa: F401  (loads libllama and with it libggml)

    for name in ("libggml.so.0", "libggml.so"):
        try:
            return ctypes.CDLL(name, mode=os.RTLD_NOLOAD | ctypes.RTLD_GLOBAL)
        except OSError:
            continue
    raise RuntimeError("llama_cpp is imported but no libggml.so.0 is loaded in this process")


def _cpu_reg(ggml: ctypes.CDLL) -> int | None:
    ggml.ggml_backend_reg_by_name.restype = ctypes.c_void_p
    ggml.ggml_backend_reg_by_name.argtypes = [ctypes.c_char_p]
    return ggml.ggml_backend_reg_by_name(b"CPU")


def cpu_features() -> dict[str, str]:
    """The registered CPU backend's compile-time features ({"AVX512": "1", …, "AMX_INT8": "1"
    for an AMX build}); empty when no CPU backend is registered."""
    ggml = _libggml()
    reg = _cpu_reg(ggml)
    if not reg:
        return {}
    ggml.ggml_backend_reg_get_proc_address.restype = ctypes.c_void_p
    ggml.ggml_backend_reg_get_proc_address.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    address = ggml.ggml_backend_reg_get_proc_address(reg, b"ggml_backend_get_features")
    if not address:
        return {}
    get_features = ctypes.CFUNCTYPE(ctypes.POINTER(_Feature), ctypes.c_void_p)(address)
    features, array = {}, get_features(reg)
    i = 0
    while array[i].name is not None:
        features[array[i].name.decode()] = (array[i].value or b"").decode()
        i += 1
    return features


def cpu_library() -> str | None:
    """The file of the registered CPU backend (the variant's symlink name, or libggml-cpu.so /
    libggml.so.0 when linked in); None when no CPU backend is registered."""
    reg = _cpu_reg(_libggml())
    if not reg:
        return None
    info = _DlInfo()
    libdl = ctypes.CDLL(None)
    libdl.dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
    if not libdl.dladdr(ctypes.c_void_p(reg), ctypes.byref(info)) or not info.dli_fname:
        return None
    return Path(info.dli_fname.decode()).name


def load_cpu_backend() -> str | None:
    """Register the best CPU variant without AMX (once per process); returns its name ("zen4"),
    or None for a build without variants (nothing to do). Raises RuntimeError when variants
    exist but none could be loaded (the model would not load either)."""
    global _loaded, _done
    with _lock:
        if _done:
            return _loaded
        variants = variant_files()
        if not variants:
            _done = True
            return None
        ggml = _libggml()
        if _cpu_reg(ggml):  # already registered (ggml found the variants itself, e.g. in the cwd)
            _loaded, _done = _variant_name(cpu_library()), True
            return _loaded
        allowed = {name: path for name, path in variants.items() if amx_allowed() or name not in AMX_VARIANTS}
        ggml.ggml_backend_load_all_from_path.restype = None
        ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
        # Only the chosen library stays loaded: ggml dlopens each to score it, then closes the rest.
        # The symlinks are needed only while it loads.
        with tempfile.TemporaryDirectory(prefix="assistant-ggml-cpu-") as folder:
            for path in allowed.values():
                (Path(folder) / path.name).symlink_to(path)
            ggml.ggml_backend_load_all_from_path(os.fsencode(folder))
        if not _cpu_reg(ggml):
            raise RuntimeError(f"no llama.cpp CPU backend could be loaded from {sorted(allowed)} "
                               f"({next(iter(variants.values())).parent})")
        _loaded, _done = _variant_name(cpu_library()), True
        return _loaded


def _variant_name(library: str | None) -> str | None:
    match = _VARIANT.match(library or "")
    return match.group(1) if match else library
