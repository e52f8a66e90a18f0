"""What an uploaded model costs the session that sends it: a good one, and hostile ones caught by each wall.

Prints the median of 5 runs of `model_from_zip` (what the Model page and --model call) for:
- the bundled ensemble (10 members) as an upload: structure check plus the separate-process parse;
- the bundled model loaded as the bundled model (trusted, no separate process): the baseline;
- an edited num_leaves with tree_sizes kept: refused by the structure check (no process started);
- a text that aborts LightGBM given straight to the separate process (the structure check bypassed), as a
  file the check misses would be: the child dies, the caller gets the reason.
"""

from __future__ import annotations

import io
import re
import zipfile

from _common import median_seconds

from icilens.model import default_model_dir, load_model
from icilens.model.isolation import IsolatedParseError, parse_isolated
from icilens.model.zips import BundleError, model_from_zip, model_to_zip
from icilens.schema import FEATURES


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model_00.txt", text)
    return buffer.getvalue()


def _sizes_agree(text: str) -> str:
    data = text.encode()
    end = data.index(b"\nend of trees\n") + 1
    starts = [m.start() for m in re.finditer(rb"^Tree=\d+$", data[:end], re.MULTILINE)]
    sizes = " ".join(str(b - a) for a, b in zip(starts, [*starts[1:], end], strict=True))
    return re.sub(r"^tree_sizes=.*$", f"tree_sizes={sizes}", text, count=1, flags=re.MULTILINE)


def _refused(data: bytes) -> None:
    try:
        model_from_zip(data, "upload.zip")
    except BundleError:
        return
    raise AssertionError("a hostile model was accepted")


def _aborts(text: str) -> None:
    try:
        parse_isolated({"m.txt": text}, len(FEATURES))
    except IsolatedParseError as exc:
        assert "SIGABRT" in str(exc), exc
        return
    raise AssertionError("LightGBM read a text that aborts it")


def main() -> None:
    bundled = load_model(default_model_dir())
    good = model_to_zip(bundled)
    text = (default_model_dir() / "model_00.txt").read_text()
    edited = text.replace("Tree=3\nnum_leaves=8", "Tree=3\nnum_leaves=2000000000", 1)
    rows = {
        "bundled model, trusted (baseline)": lambda: load_model(default_model_dir()),
        "bundled ensemble as an upload (10 members)": lambda: model_from_zip(good, "upload.zip"),
        "edited num_leaves, refused by the structure check": lambda: _refused(_zip(edited)),
        "a text that aborts LightGBM, parsed in the child only": lambda: _aborts(_sizes_agree(edited)),
    }
    baseline = None
    print(f"{'case':<66} {'median s':>9} {'x baseline':>11}")
    for name, action in rows.items():
        seconds = median_seconds(action, runs=5)
        baseline = baseline or seconds
        print(f"{name:<66} {seconds:9.3f} {seconds / baseline:11.1f}")
    child = median_seconds(lambda: parse_isolated({"m.txt": text}, len(FEATURES)), runs=5)
    print(f"{'the separate process alone, one member':<66} {child:9.3f} {child / baseline:11.1f}")


if __name__ == "__main__":
    main()
