"""Griffe extension for the docs build: turn Sphinx roles in docstrings into cross-references.

The docstrings use ``:func:`load_boundaries``` and friends (numpydoc style); mkdocstrings does
not read those roles. This extension (``mkdocs.yml``: mkdocstrings ``extensions``) rewrites
each to a mkdocs-autorefs link ``[`load_boundaries`][tambon_gis.boundaries.load_boundaries]``
when the target is rendered in the API pages, and to plain code otherwise (private helpers,
other libraries), so ``mkdocs build --strict`` never meets a dangling reference.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(func|class|mod|meth|data|attr|exc|obj|const):`(~?)([^`<>]+?)`")
_DOCS_API = Path(__file__).resolve().parent.parent / "docs" / "api"


def _documented_modules() -> set[str]:
    mods = set()
    for page in _DOCS_API.glob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("::: "):
                mods.add(line[4:].strip())
    return mods


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`target``` markers into autorefs cross-references."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: D102
        documented = _documented_modules()
        index: dict[str, list[str]] = {}
        objects: dict[str, griffe.Object] = {}

        def rendered(obj: griffe.Object) -> bool:
            parts = obj.path.split(".")
            if any(p.startswith("_") for p in parts[1:]):
                return False
            # mkdocstrings leaves out what has no docstring (show_if_no_docstring: false), e.g.
            # a constant documented by a ``#:`` comment, which griffe does not read
            if not obj.is_module and not obj.docstring:
                return False
            mod = obj.module.path
            return mod in documented

        # where each object is rendered: its own path, or, for an object a documented
        # package imports and lists in its ``__all__`` (``tambon_gis.matching`` re-exports
        # ``tambon_gis.matching.api.match_areas``), the path under that package
        shown: dict[str, str] = {}

        def walk(obj: griffe.Object, at: str | None = None) -> None:
            objects[obj.path] = obj
            if at is None and rendered(obj):
                at = obj.path
            if at is not None and (obj.is_module or obj.docstring):
                shown[obj.path] = at
                index.setdefault(obj.name, []).append(at)
            exports = set(obj.exports or ()) if obj.is_module and obj.path in documented else set()
            for name, member in obj.members.items():
                if member.is_alias:
                    if name not in exports:
                        continue
                    try:
                        target = member.final_target
                    except griffe.AliasResolutionError:
                        continue
                    walk(target, f"{obj.path}.{name}")  # type: ignore[arg-type]
                    continue
                child = None  # a submodule is rendered only when documented itself
                if at is not None and not name.startswith("_") and not member.is_module:
                    child = f"{at}.{name}"
                walk(member, child)  # type: ignore[arg-type]

        walk(pkg)
        linkable = {path for paths in index.values() for path in paths}
        shortcuts = {path.split(".")[-1]: path for path in linkable}

        def resolve(target: str, where: griffe.Object) -> str | None:
            target = target.strip().rstrip("()")
            candidates = [target]
            scope: griffe.Object | None = where
            while scope is not None:
                candidates.append(f"{scope.path}.{target}")
                scope = scope.parent
            if target.startswith("tambon_gis."):  # flat shortcuts: tambon_gis.load_boundaries
                tail = target.split(".", 1)[1]
                candidates.append(shortcuts.get(tail, ""))
            for cand in candidates:
                cand = shown.get(cand, cand)
                if cand in linkable:
                    return cand
            paths = index.get(target.split(".")[-1], [])
            suffix = [p for p in paths if p.endswith("." + target)]
            if len(suffix) == 1:
                return suffix[0]
            return None

        for obj in objects.values():
            doc = obj.docstring
            if doc is None or ":" not in doc.value:
                continue

            def replace(m: re.Match[str], obj: griffe.Object = obj) -> str:
                short, target = m.group(2), m.group(3).strip()
                text = target.split(".")[-1] if short else target
                path = resolve(target, obj)
                return f"[`{text}`][{path}]" if path else f"`{text}`"

            doc.value = _ROLE.sub(replace, doc.value)
