"""LightGBM reads an untrusted model first in a separate process with memory and time limits.

The structure check (`model_text`) refuses every damaged model we know how to describe; this is the
second wall for what it misses. A child process parses each text model, predicts and explains a probe
matrix (missing values, zeros, every category code, extremes) and dumps the trees, all the calls the
app makes. If LightGBM aborts, loops or runs out of memory there, only that child ends and the caller
gets a reason; the server goes on. Only a model that passed is then parsed in the server's process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

MEMORY_BYTES = 1536 * 2**20  # address space of the child: LightGBM, NumPy and a few models fit easily
SECONDS = 30  # CPU and wall time for the child: the bundled ensemble takes about a second


class IsolatedParseError(ValueError):
    """LightGBM could not read a model in the separate process; the message says what happened."""


def parse_isolated(texts: dict[str, str], n_features: int) -> float:
    """Parse, predict and explain every text model in a limited child process; return the seconds it took.

    texts maps a place (file name) to a model's text. Raise IsolatedParseError naming the place when
    LightGBM refuses a model, or when the child is killed, aborts or runs out of time or memory.
    """
    payload = json.dumps({"n_features": n_features, "texts": texts}).encode()
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"from {__name__} import _child; _child()"],
            input=payload,
            capture_output=True,
            timeout=SECONDS * 2,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise IsolatedParseError(
            f"LightGBM took over {SECONDS * 2} s to read the model and was stopped; the file is damaged or "
            "hostile. Restore the model from its source or train it again."
        ) from exc
    seconds = time.perf_counter() - started
    if done.returncode == 0:
        return seconds
    report = _last_report(done.stdout.decode("utf-8", "replace"))
    if "error" in report:
        raise IsolatedParseError(f"{report['place']}: LightGBM refused the model ({report['error']}).")
    place = report.get("place", "the model")
    raise IsolatedParseError(f"{place}: LightGBM could not read it: {_ending(done.returncode)}. {_ADVICE}")


def _last_report(output: str) -> dict:
    """Return the child's last JSON line (LightGBM prints its own log lines on the same stream)."""
    for line in reversed(output.splitlines()):
        if line.startswith('{"place"'):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


_ADVICE = "The file is damaged or was edited; restore the model from its source or train it again."


def _ending(returncode: int) -> str:
    if returncode < 0:
        name = signal.Signals(-returncode).name
        if name in ("SIGXCPU", "SIGKILL"):
            return f"it ran past its time limit ({name})"
        return f"its parser crashed ({name}) in the separate process, so nothing else was affected"
    return f"it stopped with exit code {returncode} (out of its {MEMORY_BYTES // 2**20} MB of memory?)"


def _probe(n_features: int):
    """Return rows that visit every branch kind: missing values, zeros, small codes, extremes, random values."""
    import numpy as np  # the child imports only what it needs after setting its limits

    rng = np.random.default_rng(0)
    rows = [
        np.full(n_features, np.nan),
        np.zeros(n_features),
        np.full(n_features, -1.0),
        np.full(n_features, 1e30),
        np.full(n_features, -1e30),
        *[np.full(n_features, float(code)) for code in range(1, 40)],
        *rng.normal(0, 50, size=(64, n_features)),
    ]
    return np.vstack(rows)


def _child() -> None:
    """Entry of the child process: limits first, then LightGBM on every text from stdin."""
    import resource  # the child sets its limits before anything else

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    request = json.loads(sys.stdin.buffer.read())
    sys.modules["sklearn"] = None  # type: ignore[assignment]  # lightgbm's optional wrappers cost a second
    import lightgbm  # see the docstring: imported without scikit-learn

    probe = _probe(request["n_features"])
    for place, text in request["texts"].items():
        print(json.dumps({"place": place}), flush=True)  # names the culprit if the next call kills us
        try:
            booster = lightgbm.Booster(model_str=text)
            booster.predict(probe, raw_score=True)
            booster.predict(probe, pred_contrib=True)
            booster.dump_model()
        except Exception as exc:  # LightGBMError and anything its wrapper raises: a reason, not a crash
            message = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            print(json.dumps({"place": place, "error": message}), flush=True)
            sys.exit(3)
