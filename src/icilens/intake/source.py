"""Reading bytes: from a path, bytes or a file object, bounded before anything is read."""

from __future__ import annotations

import stat
from pathlib import Path

from icilens.intake.errors import IntakeError

MAX_BYTES = 200 * 1024 * 1024


def read_source(source, name: str | None = None) -> tuple[bytes, str]:
    """Return (the file's bytes, its name); refuses special files and files over MAX_BYTES before reading."""
    if isinstance(source, (str, Path)):
        return _read_path(Path(source), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), name or "upload"
    elif hasattr(source, "read"):
        data, name = source.read(MAX_BYTES + 1), name or getattr(source, "name", "upload")
    else:
        raise TypeError(f"read_cohort takes a path, bytes or a binary file object, not {type(source).__name__}")
    check_size(len(data), name)
    return data, name


def _read_path(path: Path, name: str | None) -> tuple[bytes, str]:
    try:
        info = path.stat()
    except OSError as exc:
        raise IntakeError(f"{path} could not be opened ({exc.strerror}). Check the path and permissions.") from exc
    if not stat.S_ISREG(info.st_mode):
        raise IntakeError(f"{path} is not a regular file (a folder, device or pipe). Give the path of a cohort file.")
    check_size(info.st_size, str(path))
    try:
        return path.read_bytes(), name or path.name
    except OSError as exc:
        raise IntakeError(f"{path} could not be read ({exc.strerror}). Check the path and permissions.") from exc


def check_size(size: int, name: str) -> None:
    """Raise IntakeError when a file is larger than MAX_BYTES."""
    if size > MAX_BYTES:
        raise IntakeError(
            f"{name} is {size / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
            "Split the cohort into smaller files or keep only the columns ICI Lens uses."
        )
