"""The language-identification model, loaded in a tenth of the time py3langid takes.

py3langid ships its model LZMA-compressed and decompresses all 68 MB on every start:
about a second, most of a short article's start-up. The first run keeps the arrays
uncompressed in the user cache (`<cache>/translate-sum/langid/<key>/`, one `.npy`
file each); later runs map them from disk instead. The identifier built is the same
as py3langid's own (same arrays, same classes), so every verdict is unchanged.

Limits: this reads py3langid's model layout (the arrays of `modelio.load_model`);
a layout it does not know, or a cache that cannot be written or read, falls back to
py3langid's own loader, slow but correct. Takes 68 MB of disk.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_TYPECODES = {2: "H", 4: "I", 8: "L"}  # py3langid's automaton tables are stdlib arrays


def load_identifier() -> Any:
    """py3langid's `LanguageIdentifier` with normalized probabilities, from the cache when it can."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        return _from_cache(LanguageIdentifier, Path(MODEL_DIR) / MODEL_FILE)
    except Exception as exc:  # anything at all: the packaged loader still works
        log.debug("language model cache unusable (%s); loading the packaged model", exc)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _cache_dir(model_file: Path) -> Path:
    from platformdirs import user_cache_dir

    stat = model_file.stat()
    # The packaged file's size and time name the model: a new py3langid gets a new copy.
    return Path(user_cache_dir("translate-sum")) / "langid" / f"{stat.st_size}-{stat.st_mtime_ns}"


def _from_cache(identifier_class: type, model_file: Path) -> Any:
    import numpy as np

    folder = _cache_dir(model_file)
    if not all((folder / f"{name}.npy").is_file() for name in _ARRAYS):
        _unpack(model_file, folder)
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    return identifier_class(
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        arrays["classes"].tolist(),
        _stdlib_array(arrays["nextmove"]),
        arrays["out_feat"].tolist(),
        tk_row=_stdlib_array(arrays["nextmove_row"]),
        norm_probs=True,
    )


def _stdlib_array(values: Any) -> array:
    import numpy as np

    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
    return out


def _unpack(model_file: Path, folder: Path) -> None:
    """Decompress the packaged model into `folder`, atomically (a rename publishes it)."""
    import lzma

    import numpy as np

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=folder.parent))
    try:
        with tempfile.TemporaryFile(suffix=".npz", dir=work) as unpacked:
            with lzma.open(model_file) as packed:
                shutil.copyfileobj(packed, unpacked, length=1 << 20)
            unpacked.seek(0)
            with np.load(unpacked, allow_pickle=False) as data:
                for name in _ARRAYS:
                    np.save(work / f"{name}.npy", data[name], allow_pickle=False)
        try:
            os.rename(work, folder)
        except OSError:
            if not folder.is_dir():
                raise
            # Another process published the same arrays first.
    finally:
        shutil.rmtree(work, ignore_errors=True)
