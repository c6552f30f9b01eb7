"""What a model directory's files hash to: the part of a memory key that names the model.

A memory entry may only answer for the model that made it, so the key holds a hash of
the model's content (weights, config, generation config, tokenizer files), not its name
or path: a fine-tuned checkpoint saved over the old one gets new entries. Hashing a
300 MB checkpoint takes about a second, so each file's digest is cached by its path,
size, modification and change times and inode (`FileStamp`): an unchanged file is
hashed once, later runs pay one `stat` per file.

Limits: every regular file directly in the directory counts except documentation and
our own conversion marker (`IGNORED`), so an extra file changes the hash (a new key,
never a wrong answer); subdirectories are not read. A file rewritten in place that
keeps its size, both times and its inode is not noticed (no tool does that by accident:
writing a file moves its change time).
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

IGNORED = ("README*", "*.md", "LICENSE*", ".*", "translate_sum.json")
"""Files that cannot change the words: model cards, licences, hidden files, and the
marker a CTranslate2 conversion writes (it names the source path, not content)."""

_CHUNK = 4 * 2**20


@dataclass(frozen=True)
class FileStamp:
    """What must stay the same for a file's cached digest to stand."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> "FileStamp":
        stat = path.stat()  # follows symlinks: Hub snapshots link to blobs
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class DigestCache(Protocol):
    """Where file digests are remembered between runs (the memory's own table)."""

    def cached_digest(self, path: str, stamp: FileStamp) -> str | None:
        """The digest saved for `path` with exactly this stamp, else None."""
        ...

    def save_digest(self, path: str, stamp: FileStamp, digest: str) -> None:
        """Remember `digest` for `path` as it is now."""
        ...


class DictDigestCache:
    """A `DigestCache` that lasts as long as the process (for callers without a memory)."""

    def __init__(self) -> None:
        self._digests: dict[tuple[str, FileStamp], str] = {}

    def cached_digest(self, path: str, stamp: FileStamp) -> str | None:
        return self._digests.get((path, stamp))

    def save_digest(self, path: str, stamp: FileStamp, digest: str) -> None:
        self._digests[(path, stamp)] = digest


def file_digest(path: Path) -> str:
    """BLAKE2b of a file's bytes, read in chunks (hex, 32 characters)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def model_files(model_dir: Path) -> list[Path]:
    """The files of `model_dir` that can change a model's output, sorted by name."""
    files = []
    for entry in sorted(Path(model_dir).iterdir(), key=lambda p: p.name):
        if any(fnmatch.fnmatch(entry.name, pattern) for pattern in IGNORED):
            continue
        if entry.is_file():
            files.append(entry)
    return files


def model_fingerprint(model_dir: Path, cache: DigestCache | None = None) -> str:
    """A hash of every file of `model_dir` that can change the words (hex, 32 characters).

    File digests come from `cache` when a file's stamp is unchanged; fresh ones are
    saved to it. The names count too: a tokenizer file renamed is another model.
    """
    cache = cache or DictDigestCache()
    combined = hashlib.blake2b(digest_size=16)
    for path in model_files(model_dir):
        resolved = str(path.resolve())
        stamp = FileStamp.of(path)
        digest = cache.cached_digest(resolved, stamp)
        if digest is None:
            digest = file_digest(path)
            cache.save_digest(resolved, stamp, digest)
        combined.update(f"{path.name}\0{digest}\n".encode("utf-8", "surrogateescape"))
    return combined.hexdigest()


__all__ = [
    "IGNORED",
    "DictDigestCache",
    "DigestCache",
    "FileStamp",
    "file_digest",
    "model_files",
    "model_fingerprint",
]
