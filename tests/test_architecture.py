"""The package's module-level imports form no cycle (issue 9: one direction for every import)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "tambon_gis"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module_level_imports() -> dict[str, set[str]]:
    """Map each module of the package to the package modules it imports at module level."""
    paths = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        deps: set[str] = set()
        body = list(ast.parse(path.read_text(encoding="utf-8")).body)
        for node in body:
            if isinstance(node, ast.If):  # e.g. ``if TYPE_CHECKING:`` is not a runtime import
                continue
            if isinstance(node, ast.Try):
                body.extend(node.body)
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom) and node.module in paths:
                subs = {f"{node.module}.{a.name}" for a in node.names} & set(paths)
                # ``from tambon_gis import names`` imports the submodule (after the package
                # __init__, which is lazy); ``from tambon_gis.names import x`` the module.
                deps.update(subs or {node.module})
                if not subs and node.module != "tambon_gis":
                    deps.add(node.module)
        graph[name] = deps - {name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return one cycle per strongly connected component bigger than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_module_level_imports_have_no_cycle() -> None:
    graph = _module_level_imports()
    assert len(graph) > 20 and "tambon_gis.monitoring" in graph
    assert "tambon_gis.names" in graph["tambon_gis.matching.api"]
    # the split packages are seen module by module, and their __init__ imports its parts
    parts = {
        "matching": ["api", "report"],
        "boundaries": ["load", "read", "schema"],
        "monitoring": ["maps", "report", "schema", "status", "store"],
    }
    for package, modules in parts.items():
        assert {f"tambon_gis.{package}.{m}" for m in modules} <= graph[f"tambon_gis.{package}"]
    assert "tambon_gis.boundaries.canonical" in graph["tambon_gis.boundaries.load"]
    # the store's parts are imported at module level; the maps and the importer see the store
    # only for type checking, so the store may import them
    store = graph["tambon_gis.monitoring.store"]
    assert {"arithmetic", "importer", "maps", "postgres", "shapes", "sql", "validate"} <= {
        m.rsplit(".", 1)[-1] for m in store
    }
    assert "tambon_gis.monitoring.store" not in graph["tambon_gis.monitoring.maps"]
    assert "tambon_gis.monitoring.store" in graph["tambon_gis.monitoring.report"]
    assert _cycles(graph) == [], "modules that import each other at module level"


def test_schema_error_is_a_value_error_with_a_plain_message() -> None:
    from tambon_gis import SchemaError

    error = SchemaError("column 'x' is missing: pass tambon=COLUMN")
    assert isinstance(error, ValueError) and not isinstance(error, KeyError)
    assert str(error) == "column 'x' is missing: pass tambon=COLUMN"  # not quoted as a KeyError


def test_every_public_module_says_what_it_exports() -> None:
    """Each public module (and package) has an ``__all__`` whose every name exists."""
    import importlib

    public = sorted(
        name for name in _module_level_imports()
        if not any(part.startswith("_") for part in name.split(".")[1:])
        and not name.startswith("tambon_gis.cli")
    )  # fmt: skip
    assert "tambon_gis.plans" in public and "tambon_gis.vocabulary" in public
    missing, dangling = [], []
    for name in public:
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None)
        if exported is None:
            missing.append(name)
            continue
        dangling += [f"{name}.{n}" for n in exported if not hasattr(module, n)]
    assert not dangling, f"__all__ names what the module does not have: {dangling}"
    # a submodule of a split package is private to it: its package exports for it
    packages = {n for n in public if (ROOT.parent / n.replace(".", "/") / "__init__.py").exists()}
    top = [n for n in missing if n in packages or n.count(".") == 1]
    assert not top, f"public modules without __all__: {top}"


def test_the_package_is_typed() -> None:
    assert (ROOT / "py.typed").is_file()


def test_tests_of_the_real_boundaries_say_so() -> None:
    """A test that takes a fixture of the real HDX boundaries carries the ``realdata`` mark."""
    real = {"real_data_dir", "tambon_simplified_zip", "tambon_full_zip", "surin_zip",
            "amphoe_zip", "changwat_zip", "tambons"}  # fmt: skip
    unmarked = []
    for path in sorted((ROOT.parent / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        marked_module = any(
            isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "pytestmark"
                                              for t in n.targets)
            and "realdata" in ast.unparse(n.value)
            for n in tree.body
        )  # fmt: skip
        if marked_module:
            continue
        tests = [n for n in tree.body
                 if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]  # fmt: skip
        for node in tests:
            decorators = " ".join(ast.unparse(d) for d in node.decorator_list)
            if {a.arg for a in node.args.args} & real and "realdata" not in decorators:
                unmarked.append(f"{path.name}::{node.name}")
    assert not unmarked, f"tests of the real boundaries without @pytest.mark.realdata: {unmarked}"


#: Package modules that may be imported inside a function: they load the heavy optional
#: libraries (folium and branca; matplotlib; geopandas with pyogrio; the plan store with its
#: matcher and map builders) that a light import of their caller must not pay for, or they
#: would close a cycle (``datasets`` -> ``boundaries``).
LAZY_OK = frozenset({"tambon_gis.maps", "tambon_gis.static", "tambon_gis.boundaries",
                     "tambon_gis.load_boundaries", "tambon_gis.plans"})  # fmt: skip


def test_package_modules_are_imported_at_module_level() -> None:
    """Inside functions only the heavy modules of LAZY_OK (the CLI is lazy by design)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "cli" in path.relative_to(ROOT).parts:
            continue  # each subcommand loads what it needs, so `tambon-gis --help` is quick
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                names: list[str] = []
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "tambon_gis"
                ):
                    module = str(node.module)
                    names = [f"{module}.{a.name}" if module == "tambon_gis" else module
                             for a in node.names]  # fmt: skip
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names if a.name.startswith("tambon_gis")]
                for name in names:
                    top = ".".join(name.split(".")[:2])
                    if top not in LAZY_OK:
                        found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {name}")
    assert not found, "package modules imported inside functions: " + ", ".join(found)
