"""docs/architecture.md against the tree: packages, allowed imports, the pyoxigraph rule."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ruhrgraph"
SHARED = {"ruhrgraph", "ruhrgraph.records", "ruhrgraph.iris", "ruhrgraph.namespaces",
          "ruhrgraph.config"}


def documented() -> dict[str, set[str]]:
    """package -> packages its modules may import, from the table in architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\| `([a-z.]+)` \| [^|]+ \| ([a-z., ]+) \|$", text, re.M)
    return {name: {p.strip() for p in allowed.split(",")} for name, allowed in rows}


def packages() -> set[str]:
    return {".".join(p.parent.relative_to(PACKAGE).parts)
            for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The ruhrgraph modules ``path`` imports (a name imported from a package counts as its
    module when it is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ruhrgraph")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ruhrgraph"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                is_module = (ROOT / (full.replace(".", "/") + ".py")).exists() or (
                    ROOT / full.replace(".", "/")).is_dir()
                found.add(full if is_module else node.module)
    return found


def package_of(module: str) -> str:
    """``ruhrgraph.web.pages.lookup`` -> ``web.pages``; shared modules -> ``shared``."""
    if module in SHARED or module == "ruhrgraph.cli":
        return "shared" if module != "ruhrgraph.cli" else "cli"
    parts = module.split(".")[1:]
    for depth in (2, 1):
        if ".".join(parts[:depth]) in packages():
            return ".".join(parts[:depth])
    raise AssertionError(f"{module} is in no package")


def test_every_package_is_documented_and_every_documented_one_exists():
    assert set(documented()) == packages()


def test_imports_follow_the_documented_lines():
    rules = documented()
    crossings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = package_of(module_name(path))
        if source == "cli":
            continue
        allowed = {source, "shared"} | rules.get(source, set())
        for target in sorted(imports(path)):
            kind = package_of(target)
            # a sub-package may import its parent package's own modules (web.pages -> web)
            if kind not in allowed and kind != "cli":
                crossings.append(f"{path.relative_to(ROOT)} imports {target} ({kind})")
            if source == "shared" and kind not in ("shared",):
                crossings.append(f"{path.relative_to(ROOT)} (shared) imports {target}")
    assert crossings == []


def test_web_never_imports_the_pipeline():
    for path in (PACKAGE / "web").rglob("*.py"):
        for target in imports(path):
            assert package_of(target) not in {"extract", "link", "graph", "build"}, (path, target)


def test_one_module_imports_pyoxigraph():
    importers = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("ruhrgraph/**/*.py")
                       if re.search(r"^\s*(import|from) pyoxigraph\b", p.read_text(), re.M))
    assert importers == ["ruhrgraph/store/engine.py"]


def test_the_top_level_is_small_and_packages_are_not_single_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    for name in packages():
        modules = [p for p in (PACKAGE / name.replace(".", "/")).glob("*.py")
                   if p.name != "__init__.py"]
        subpackages = [p for p in (PACKAGE / name.replace(".", "/")).iterdir()
                       if (p / "__init__.py").exists()]
        assert len(modules) + len(subpackages) >= 2, name


def test_no_function_is_over_80_lines():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.end_lineno - node.lineno >= 80:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert long == []
