"""The shape of the code, checked statically (with `ast` and regular expressions).

- the modules under webapp/ import each other without cycles;
- no area imports another area's views;
- views never catch a DomainError: the one error handler turns it into a response;
- templates ask the permission helpers instead of restating a rule;
- no file in webapp/ grows past 500 lines.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "webapp"
PACKAGE_DIR = PROJECT_ROOT / PACKAGE
TEMPLATES_DIR = PROJECT_ROOT / "templates"
MAX_LINES = 500


# --- the import graph --------------------------------------------------------------


def _source_files() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE_DIR.rglob("*.py")
        if "__pycache__" not in path.relative_to(PROJECT_ROOT).parts
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


MODULES: dict[str, Path] = {_module_name(path): path for path in _source_files()}


def _existing_prefix(dotted: str) -> str | None:
    """The longest prefix of `dotted` that is a module of the package (or None)."""
    parts = dotted.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _absolute_base(module: str, path: Path, level: int, target: str | None) -> str:
    """What `from <dots><target> import …` means inside `module`."""
    if level == 0:
        return target or ""
    package_parts = module.split(".") if _is_package(path) else module.split(".")[:-1]
    if level > 1:
        package_parts = package_parts[: -(level - 1)]
    return ".".join([*package_parts, *([target] if target else [])])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(module: str, path: Path) -> set[str]:
    """Every module of the package that `module` imports at run time, anywhere in the
    file (at the top or inside functions). Imports under `if TYPE_CHECKING:` are for the
    type checker only (two models naming each other in annotations) and run never."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node.test)
        for statement in node.body
        for inner in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    resolved = _existing_prefix(alias.name)
                    if resolved:
                        found.add(resolved)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute_base(module, path, node.level, node.module)
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in MODULES:
                    found.add(submodule)
                else:
                    resolved = _existing_prefix(base)
                    if resolved:
                        found.add(resolved)
    # The package root is the app factory that wires every area: not a node.
    found.discard(PACKAGE)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        module: imported_modules(module, path)
        for module, path in MODULES.items()
        if module != PACKAGE
    }


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _cycle_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest import cycle inside `component`, as a path a → b → … → a."""
    members = set(component)
    best: list[str] | None = None
    for start in component:
        previous: dict[str, str] = {}
        frontier = [start]
        seen = {start}
        found = None
        while frontier and found is None:
            following = []
            for node in frontier:
                for child in sorted(graph[node] & members):
                    if child == start:
                        found = node
                        break
                    if child not in seen:
                        seen.add(child)
                        previous[child] = node
                        following.append(child)
                if found is not None:
                    break
            frontier = following
        if found is None:
            continue
        path = [found]
        while path[-1] != start:
            path.append(previous[path[-1]])
        cycle = [*reversed(path), start]
        if best is None or len(cycle) < len(best):
            best = cycle
    assert best is not None
    return best


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    return [
        _cycle_through(graph, component)
        for component in _strongly_connected(graph)
        if len(component) > 1
    ]


def _area(module: str) -> str:
    """The first package (or module) under webapp: webapp.posts.views → "posts"."""
    return module.split(".")[1]


def test_the_import_graph_sees_the_imports_it_should():
    """The graph itself is right, so that an empty list of cycles means something."""
    graph = import_graph()
    assert PACKAGE not in graph
    assert "webapp.posts.services" in graph["webapp.posts.views"]
    assert "webapp.tags.services" in graph["webapp.posts.services"]
    # `from webapp.models import Post` is an import of the package module webapp.models
    assert "webapp.models" in graph["webapp.posts.services"]
    # imports inside functions count too
    assert "webapp.posts.permissions" in graph["webapp.templating"]
    # a cycle is found and reported as a path
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_modules_import_each_other_without_cycles():
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in cycles)


def views_imported_across_areas(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imports in graph.items()
        for imported in imports
        if imported.count(".") == 2
        and imported.endswith(".views")
        and _area(imported) != _area(module)
    )


def test_a_view_import_across_areas_is_found():
    graph = {
        "webapp.posts.views": {"webapp.posts.services", "webapp.comments.views"},
        "webapp.posts.services": {"webapp.comments.services"},
        "webapp.posts.forms": {"webapp.posts.views"},
        "webapp.web": {"webapp.feeds.views"},
    }
    assert views_imported_across_areas(graph) == [
        "webapp.posts.views imports webapp.comments.views",
        "webapp.web imports webapp.feeds.views",
    ]


def test_no_area_imports_the_views_of_another_area():
    violations = views_imported_across_areas(import_graph())
    assert not violations, "views imported across areas:\n" + "\n".join(violations)


# --- views leave DomainError to the error handler ----------------------------------


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def domain_error_classes() -> set[str]:
    """DomainError and every class in webapp/ that derives from it, by name."""
    bases_of: dict[str, set[str]] = {}
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases_of.setdefault(node.name, set()).update(_base_names(node))
    found = {"DomainError"}
    changed = True
    while changed:
        changed = False
        for name, bases in bases_of.items():
            if name not in found and bases & found:
                found.add(name)
                changed = True
    return found


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return set()
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = set()
    for node in nodes:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def test_every_service_error_class_is_known_as_a_domain_error():
    expected = {
        "DomainError",
        "PostError",
        "CommentError",
        "CommunityError",
        "ProfileError",
        "AccountError",
        "VoteError",
        "TagError",
        "ImageError",
    }
    assert expected <= domain_error_classes()


def domain_errors_caught(source: str, error_classes: set[str]) -> list[str]:
    """`line: except Names` for each except clause of `source` naming a domain error."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler):
            caught = sorted(_caught_names(node) & error_classes)
            if caught:
                found.append(f"{node.lineno}: except {', '.join(caught)}")
    return found


def test_a_caught_domain_error_is_found():
    source = """
def view():
    try:
        services.submit_post()
    except services.PostError:
        pass
    try:
        pass
    except (ValueError, DomainError) as error:
        pass
    except KeyError:
        pass
"""
    assert domain_errors_caught(source, domain_error_classes()) == [
        "5: except PostError",
        "9: except DomainError",
    ]


def test_views_never_catch_a_domain_error():
    error_classes = domain_error_classes()
    view_modules = sorted(PACKAGE_DIR.glob("*/views.py"))
    assert len(view_modules) >= 10
    violations = [
        f"{path.relative_to(PROJECT_ROOT)}:{found}"
        for path in view_modules
        for found in domain_errors_caught(path.read_text(encoding="utf-8"), error_classes)
    ]
    assert not violations, "views catching domain errors:\n" + "\n".join(violations)


# --- templates ask, they do not restate -----------------------------------------------

PERMISSION_RULES_IN_TEMPLATES = [
    re.compile(r"current_user\.id\s*[!=]="),
    re.compile(r"[!=]=\s*current_user\.id"),
    re.compile(r"author_id\s*[!=]="),
    re.compile(r"is_admin"),
    re.compile(r"\.role\s*[!=]="),
]


@pytest.mark.parametrize(
    ("line", "restates"),
    [
        ("{% if post.author_id == current_user.id %}", True),
        ("{% if current_user.id != comment.author_id %}", True),
        ("{% if current_user.is_admin %}", True),
        ("{% if membership.role == 'owner' %}", True),
        ("{% if can_edit_post(current_user, post) %}", False),
        ("{{ post.author.profile.username }}", False),
    ],
)
def test_the_template_patterns_catch_restated_rules(line, restates):
    assert any(pattern.search(line) for pattern in PERMISSION_RULES_IN_TEMPLATES) is restates


def test_templates_restate_no_permission_rule():
    templates = sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())
    assert len(templates) >= 20
    violations = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1
        )
        if any(pattern.search(line) for pattern in PERMISSION_RULES_IN_TEMPLATES)
    ]
    assert not violations, "templates restating permission rules:\n" + "\n".join(violations)


# --- small files --------------------------------------------------------------------


def test_no_file_in_the_package_is_longer_than_500_lines():
    files = [
        path
        for path in PACKAGE_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.relative_to(PROJECT_ROOT).parts
    ]
    assert len(files) >= 50
    too_long = sorted(
        f"{path.relative_to(PROJECT_ROOT)}: {lines} lines"
        for path in files
        if (lines := path.read_bytes().count(b"\n")) > MAX_LINES
    )
    assert not too_long, f"files over {MAX_LINES} lines:\n" + "\n".join(too_long)
