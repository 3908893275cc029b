"""The import rules of the package, read from the source (nothing is imported).

Layers, arrows only downward (a module may import its own layer or a lower one):

    core = 0  <-  engine = 1  <-  course = 2  <-  views = 3  <-  top level = 4
    (the top level: nnlab/__init__.py, __main__.py, cli.py, export.py, editions.py, hub.py)

Every `import` and `from ... import` counts, at module level and inside functions, relative or
absolute. Three rules:

- no upward arrow;
- no import cycle between modules, over the imports run when a module is loaded (module level,
  not inside a function, not under `if TYPE_CHECKING:`). `from . import x` inside a package is an
  arrow to the submodule x, not to the package's `__init__`; the arrow Python adds from every
  submodule to its parent package is not drawn, so a package `__init__` that re-exports its own
  submodules is not in a cycle with them. A submodule that takes a name from its own package's
  `__init__` (`from . import helper`, helper not a submodule) is;
- no private name (`_x`, not a dunder) taken from another module: neither imported
  (`from .conv import _pad`) nor read as an attribute of an imported nnlab module
  (`B._as_cxcywh(...)`), nor a private module imported from outside its package.
"""
from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "nnlab"
LAYERS = {"core": 0, "engine": 1, "course": 2, "views": 3}
TOP = 4
# the modules allowed beside the layer folders
TOP_LEVEL = {"__init__", "__main__", "cli", "export", "editions", "hub"}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass
class Import:
    line: int
    target: str            # the nnlab module the arrow points to
    names: tuple = ()      # names taken from it by `from target import ...` (not submodules)
    at_load: bool = True   # run when the importing module is loaded (module level)


@dataclass
class Module:
    name: str              # dotted, e.g. nnlab.engine.conv (a package's __init__ is the package)
    path: Path
    is_package: bool
    tree: ast.Module = field(repr=False)
    imports: list = field(default_factory=list)


def module_name(path: Path, root: Path, package: str) -> tuple[str, bool]:
    parts = list(path.relative_to(root / package).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join([package, *parts]), is_package


def layer_of(name: str, package: str = PACKAGE):
    """The layer number of a dotted module name, or None for a module outside every layer."""
    parts = name.split(".")[1:]
    if not parts:
        return TOP                      # the package's own __init__
    if parts[0] in LAYERS:
        return LAYERS[parts[0]]
    if len(parts) == 1 and parts[0] in TOP_LEVEL:
        return TOP
    return None


class _Collector(ast.NodeVisitor):
    """Every import statement with its line and whether it runs when the module is loaded."""

    def __init__(self):
        self.found = []   # (node, at_load)
        self._depth = 0

    def _function(self, node):
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node):
        test = node.test
        type_checking = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
        if type_checking:
            self._depth += 1
            for child in node.body:
                self.visit(child)
            self._depth -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node):
        self.found.append((node, self._depth == 0))

    visit_ImportFrom = visit_Import


def resolve_from(module: Module, node: ast.ImportFrom) -> str:
    """The absolute dotted name that `from <node.module> import ...` reads from."""
    if node.level == 0:
        return node.module
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def deepest_module(dotted: str, modules: dict) -> str | None:
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        name = ".".join(parts[:k])
        if name in modules:
            return name
    return None


def load(root: Path = ROOT, package: str = PACKAGE) -> dict:
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        name, is_package = module_name(path, root, package)
        modules[name] = Module(name, path, is_package, ast.parse(path.read_text(), str(path)))
    for mod in modules.values():
        collector = _Collector()
        collector.visit(mod.tree)
        for node, at_load in collector.found:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == package or alias.name.startswith(package + "."):
                        target = deepest_module(alias.name, modules)
                        if target:
                            mod.imports.append(Import(node.lineno, target, (), at_load))
                continue
            source = resolve_from(mod, node)
            if not (source == package or source.startswith(package + ".")):
                continue
            names = []
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in modules:               # `from . import x`: an arrow to the submodule x
                    mod.imports.append(Import(node.lineno, sub, (), at_load))
                else:
                    names.append(alias.name)
            if names:
                target = deepest_module(source, modules)
                if target:
                    mod.imports.append(Import(node.lineno, target, tuple(names), at_load))
    return modules


def where(mod: Module, line: int, root: Path) -> str:
    return f"{mod.path.relative_to(root)}:{line}"


# -- the three rules ----------------------------------------------------------------------------------
def upward_arrows(modules: dict, root: Path = ROOT) -> list[str]:
    found = []
    for mod in modules.values():
        own = layer_of(mod.name)
        if own is None:
            found.append(f"{mod.path.relative_to(root)}: {mod.name} is in no layer "
                         f"(put it in {', '.join(LAYERS)} or make it one of {sorted(TOP_LEVEL)})")
            continue
        for imp in mod.imports:
            theirs = layer_of(imp.target)
            if theirs is not None and theirs > own:
                found.append(f"{where(mod, imp.line, root)}: {mod.name} (layer {own}) imports "
                             f"{imp.target} (layer {theirs}): an upward arrow")
    return found


def cycles(modules: dict, root: Path = ROOT) -> list[str]:
    """Each strongly connected component of the load-time import graph with more than one module
    (or a module importing itself), reported with the arrows that close it."""
    graph = {name: {} for name in modules}
    for mod in modules.values():
        for imp in mod.imports:
            if imp.at_load and imp.target in graph:
                graph[mod.name].setdefault(imp.target, imp.line)
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = [0]

    def strongconnect(v):   # Tarjan's algorithm (recursion as deep as the longest import chain)
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                comps.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    found = []
    for comp in comps:
        members = set(comp)
        arrows = [f"{where(modules[a], line, root)} {a} -> {b}"
                  for a in comp for b, line in sorted(graph[a].items()) if b in members]
        found.append(f"import cycle between {', '.join(comp)}: " + "; ".join(arrows))
    return found


def module_aliases(mod: Module, modules: dict) -> dict:
    """Local name -> nnlab module it is bound to by an import in this file (any scope)."""
    aliases, package = {}, mod.name.split(".")[0]
    collector = _Collector()
    collector.visit(mod.tree)
    for node, _ in collector.found:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != package:
                    continue
                if alias.asname:
                    target = deepest_module(alias.name, modules)
                    if target:
                        aliases[alias.asname] = target
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        else:
            source = resolve_from(mod, node)
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in modules:
                    aliases[alias.asname or alias.name] = sub
    return aliases


def private_names(modules: dict, root: Path = ROOT) -> list[str]:
    found = []
    for mod in modules.values():
        for imp in mod.imports:
            for name in imp.names:
                if is_private(name):
                    found.append(f"{where(mod, imp.line, root)}: {mod.name} imports the private "
                                 f"name {name} from {imp.target}")
            # a private module, imported from outside the package that holds it
            parts = imp.target.split(".")
            for k, part in enumerate(parts):
                if is_private(part):
                    owner = ".".join(parts[:k])
                    inside = mod.name == owner or mod.name.startswith(owner + ".")
                    if not inside:
                        found.append(f"{where(mod, imp.line, root)}: {mod.name} imports the "
                                     f"private module {imp.target}")
                    break
        aliases = module_aliases(mod, modules)
        if not aliases:
            continue
        for node in ast.walk(mod.tree):
            if not isinstance(node, ast.Attribute):
                continue
            chain, cur = [], node
            while isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            if not isinstance(cur, ast.Name) or cur.id not in aliases:
                continue
            target = aliases[cur.id]
            for attr in reversed(chain):   # descend through submodules to the first plain name
                if f"{target}.{attr}" in modules:
                    target = f"{target}.{attr}"
                    continue
                if is_private(attr) and target != mod.name:
                    found.append(f"{where(mod, node.lineno, root)}: {mod.name} reads the private "
                                 f"name {attr} of {target} ({cur.id}.{attr})")
                break
    return sorted(set(found))


# -- on the package ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def modules():
    return load()


def test_the_package_is_found(modules):
    assert f"{PACKAGE}.core.functional" in modules and f"{PACKAGE}.cli" in modules
    assert sum(len(m.imports) for m in modules.values()) > 50


def test_no_upward_arrow(modules):
    found = upward_arrows(modules)
    assert not found, "\n" + "\n".join(found)


def test_no_import_cycle(modules):
    found = cycles(modules)
    assert not found, "\n" + "\n".join(found)


def test_no_private_name_across_modules(modules):
    found = private_names(modules)
    assert not found, "\n" + "\n".join(found)


# -- the checker catches what it is meant to catch --------------------------------------------------------
PLANTED = {
    "__init__.py": "from .engine.net import Net\n",
    "cli.py": "from .views import plot\n",
    "core/__init__.py": "",
    "core/maths.py": "def f():\n    from ..engine import net  # upward, inside a function\n",
    "engine/__init__.py": "",
    "engine/net.py": "from . import trace\nfrom ..core.maths import _helper\nclass Net: pass\n",
    "engine/trace.py": "from .net import Net\n",                       # cycle net <-> trace
    "engine/pkg/__init__.py": "from .a import x\nfrom .b import y\n",     # re-export: no cycle
    "engine/pkg/a.py": "from . import b\nx = 1\n",
    "engine/pkg/b.py": "y = 2\n",
    "engine/pkg2/__init__.py": "from .c import z\nhelper = 3\n",
    "engine/pkg2/c.py": "from . import helper\nz = 4\n",                 # c -> pkg2 -> c: a cycle
    "course/__init__.py": "",
    "course/ex.py": "import nnlab.views.plot as P\n",                     # upward, absolute
    "views/__init__.py": "",
    "views/plot.py": textwrap.dedent("""\
        from typing import TYPE_CHECKING
        from nnlab.engine import net as N
        import nnlab.engine.trace
        if TYPE_CHECKING:
            from nnlab import cli                                    # upward, not at load time
        def g():
            return N._private(1) + nnlab.engine.trace._hidden + N.__name__
        """),
}


def planted(tmp_path) -> tuple[dict, Path]:
    for rel, text in PLANTED.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return load(tmp_path, PACKAGE), tmp_path


def test_checker_finds_planted_upward_arrows(tmp_path):
    mods, root = planted(tmp_path)
    found = upward_arrows(mods, root)
    assert any(f.startswith("nnlab/core/maths.py:2:") and "nnlab.engine.net" in f for f in found)
    assert any(f.startswith("nnlab/course/ex.py:1:") and "nnlab.views.plot" in f for f in found)
    assert any(f.startswith("nnlab/views/plot.py:5:") and "nnlab.cli" in f for f in found)
    assert len(found) == 3, found


def test_checker_finds_planted_cycles_but_not_a_package_reexporting_its_submodules(tmp_path):
    mods, root = planted(tmp_path)
    found = cycles(mods, root)
    assert len(found) == 2, found
    assert any("nnlab.engine.net, nnlab.engine.trace" in f and "engine/net.py:1" in f for f in found)
    assert any("nnlab.engine.pkg2, nnlab.engine.pkg2.c" in f for f in found)
    assert not any("nnlab.engine.pkg," in f or "pkg.a" in f for f in found)


def test_checker_finds_planted_private_names(tmp_path):
    mods, root = planted(tmp_path)
    found = private_names(mods, root)
    assert any(f.startswith("nnlab/engine/net.py:2:") and "_helper" in f for f in found)
    assert any(f.startswith("nnlab/views/plot.py:7:") and "N._private" in f for f in found)
    assert any("_hidden" in f and "nnlab.engine.trace" in f for f in found)
    assert len(found) == 3, found   # N.__name__ is a dunder, not private


def test_checker_names_a_module_outside_every_layer(tmp_path):
    mods, root = planted(tmp_path)
    (tmp_path / PACKAGE / "stray.py").write_text("")
    mods = load(tmp_path, PACKAGE)
    assert any("nnlab/stray.py" in f and "no layer" in f for f in upward_arrows(mods, root))
