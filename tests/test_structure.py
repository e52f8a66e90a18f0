"""The house rules, held: no import cycle, Streamlit only in the app's rooms, honest faces, reasons for late imports."""

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "icilens"
PAGES = ROOT / "pages"
FACES = (
    "analysis",
    "cli",
    "explain",
    "intake",
    "model",
    "plots",
    "reports",
    "scoring",
    "training",
    "transcriptome",
    "ui",
)
# The packages (and top-level modules) from the bottom up: a package imports only from its own layer's
# neighbours below it, never from above, counting imports inside functions. The README gives this order.
LAYERS = (
    ("vocabulary", "spreadsheet_cells"),
    ("schema",),
    ("analysis",),
    ("intake", "model", "plots"),
    ("datasets",),
    ("scoring", "transcriptome"),
    ("explain",),
    ("training",),
    ("reports",),
    ("cli", "ui"),
    ("__main__",),
)
LAYER_OF = {package: index for index, layer in enumerate(LAYERS) for package in layer}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def top_level_imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Return the imports a module runs when it is imported (not those in functions or under TYPE_CHECKING)."""
    found = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif (isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test)) or isinstance(node, ast.Try):
            found += [n for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def imported_modules(path: Path) -> set[str]:
    """Return the modules of the package that importing path imports directly."""
    out = set()
    for node in top_level_imports(path):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in MODULES}
        elif node.module and node.module.startswith("icilens"):
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES}
    return {m for m in out if m in MODULES and m != module_name(path)}


def test_the_package_has_no_import_cycle():
    graph = {name: imported_modules(path) for name, path in MODULES.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycle = [*trail[trail.index(other) :], other] if other in trail else [name, other]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, [*trail, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def package_of(module: str) -> str:
    """Return the package (or top-level module) of icilens a module belongs to: 'icilens.model.card' -> 'model'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def package_imports() -> dict[tuple[str, str], list[str]]:
    """Return {(package, imported package): [module -> module, ...]} for every import between packages, those
    inside functions included and those under TYPE_CHECKING left out."""
    edges: dict[tuple[str, str], list[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        typing_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("icilens."):
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("icilens.")]
            for target in targets:
                pair = (package_of(name), package_of(target))
                if pair[0] and pair[1] and pair[0] != pair[1]:
                    edges.setdefault(pair, []).append(f"{name} -> {target}")
    return edges


def test_every_package_has_a_layer_and_the_readme_gives_their_order():
    packages = {package_of(name) for name in MODULES} - {""}
    assert packages == set(LAYER_OF), (
        f"add {sorted(packages - set(LAYER_OF))} to LAYERS; drop {sorted(set(LAYER_OF) - packages)}"
    )
    order = " < ".join(" ".join(f"`{p}`" for p in layer) for layer in LAYERS)
    assert order in (ROOT / "README.md").read_text(), f"the README's layer order reads: {order}"


def test_the_readme_diagram_is_drawn_from_todays_imports():
    import importlib.util

    spec = importlib.util.spec_from_file_location("layers", ROOT / "scripts" / "layers.py")
    layers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layers)
    block = layers.readme_block(layers.draw_layers())
    assert block in (ROOT / "README.md").read_text(), "redraw it: python scripts/layers.py --write"


def test_packages_import_downward_only_even_inside_functions():
    # strictly downward, so the packages' import graph has no cycle, whatever is imported late
    wrong = [
        line
        for (importer, imported), lines in sorted(package_imports().items())
        if LAYER_OF[imported] >= LAYER_OF[importer]
        for line in lines
    ]
    assert wrong == [], "an import goes up a layer or across one"


def _imports_streamlit(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
            return True
    return False


def test_streamlit_is_imported_only_by_the_ui_package_and_the_pages():
    outside = [name for name, path in MODULES.items() if not name.startswith("icilens.ui") and _imports_streamlit(path)]
    assert outside == []


@pytest.mark.parametrize("package", FACES)
def test_every_name_a_face_offers_exists(package):
    face = importlib.import_module(f"icilens.{package}")
    assert face.__doc__ and len(face.__doc__.strip()) > 40, f"icilens.{package} says what it holds"
    missing = [name for name in face.__all__ if not hasattr(face, name)]
    assert missing == [], f"icilens.{package}.__all__ names what it does not have: {missing}"
    # a face name equal to a module's name is replaced by the module once that module is imported
    modules = {p.stem for p in (PACKAGE / package).glob("*.py")}
    assert sorted(set(face.__all__) & modules) == []


def test_pages_import_package_faces_not_their_modules():
    deep = []
    for path in sorted(PAGES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("icilens."):
                parts = node.module.split(".")
                if len(parts) > 2 or parts[1].startswith("_"):
                    deep.append(f"{path.name}: from {node.module} import ...")
    assert deep == []


def test_every_import_inside_a_function_says_why():
    silent = []
    for name, path in MODULES.items():
        lines = path.read_text().split("\n")
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and "#" not in lines[node.lineno - 1]:
                        silent.append(f"{name}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert sorted(set(silent)) == []


def _marks_e2e(path: Path) -> bool:
    """Return whether a test module uses the e2e mark (pytest.mark.e2e in its code, not its words)."""
    return any(
        isinstance(node, ast.Attribute) and node.attr == "e2e" and getattr(node.value, "attr", "") == "mark"
        for node in ast.walk(ast.parse(path.read_text()))
    )


def test_browser_tests_live_in_the_folder_the_full_run_names():
    """.ci/test runs the browser tests from tests/e2e only: a browser test marked elsewhere would never run."""
    modules = list((ROOT / "tests").rglob("test_*.py"))
    in_folder = {p for p in modules if "e2e" in p.relative_to(ROOT / "tests").parts}
    assert [str(p.relative_to(ROOT)) for p in modules if p not in in_folder and _marks_e2e(p)] == []
    assert in_folder and all(_marks_e2e(p) for p in in_folder)
