"""Reading bytes: from a path, bytes or a file object, bounded before anything is read."""

from __future__ import annotations

import stat
from pathlib import Path

from icilens.intake.errors import IntakeError
from icilens.intake.limits import check_bytes, current_limits


def read_source(source, name: str | None = None) -> tuple[bytes, str]:
    """Return (the file's bytes, its name); refuses special files and files over the byte limit before reading."""
    if isinstance(source, (str, Path)):
        return _read_path(Path(source), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), name or "upload"
    elif hasattr(source, "read"):
        data, label = source.read(current_limits().max_bytes + 1), name or str(getattr(source, "name", "upload"))
    else:
        raise TypeError(f"read_cohort takes a path, bytes or a binary file object, not {type(source).__name__}")
    check_bytes(len(data), label)
    return data, label


def _read_path(path: Path, name: str | None) -> tuple[bytes, str]:
    try:
        info = path.stat()
    except OSError as exc:
        raise IntakeError(f"{path} could not be opened ({exc.strerror}). Check the path and permissions.") from exc
    if not stat.S_ISREG(info.st_mode):
        raise IntakeError(f"{path} is not a regular file (a folder, device or pipe). Give the path of a cohort file.")
    check_bytes(info.st_size, str(path))
    try:
        return path.read_bytes(), name or path.name
    except OSError as exc:
        raise IntakeError(f"{path} could not be read ({exc.strerror}). Check the path and permissions.") from exc
