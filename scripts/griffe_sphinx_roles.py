"""Griffe extension for the docs build: turn Sphinx roles in docstrings into cross-references.

The docstrings use ``:func:`load_boundaries``` and friends (numpydoc style); mkdocstrings does
not read those roles. This extension (``mkdocs.yml``: mkdocstrings ``extensions``) rewrites
each to a mkdocs-autorefs link ``[`load_boundaries`][tambon_gis.boundaries.load_boundaries]``
when the target is rendered in the API pages (also where a documented package re-exports it in
``__all__``), and to plain code otherwise (private helpers, other libraries), so
``mkdocs build --strict`` never meets a dangling reference.
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

        # a name a documented package re-exports from its submodules (in its ``__all__``) is
        # rendered at the package's path: tambon_gis.maps.choropleth, defined in
        # tambon_gis.maps.builders
        shown_as: dict[str, str] = {}

        def collect(obj: griffe.Object) -> None:
            for member in obj.members.values():
                if member.is_alias:
                    if obj.path in documented and member.is_exported:
                        shown_as[member.target_path] = member.path
                elif member.is_module:
                    collect(member)  # type: ignore[arg-type]

        collect(pkg)

        def shown(path: str) -> str:
            for real, public in shown_as.items():
                if path == real or path.startswith(real + "."):
                    return public + path[len(real) :]
            return path

        def rendered(obj: griffe.Object) -> bool:
            path = shown(obj.path)
            parts = path.split(".")
            if any(p.startswith("_") for p in parts[1:]):
                return False
            return path != obj.path or obj.module.path in documented

        def walk(obj: griffe.Object) -> None:
            objects[obj.path] = obj
            if rendered(obj):
                index.setdefault(obj.name, []).append(shown(obj.path))
            for member in obj.members.values():
                if member.is_alias:
                    continue
                walk(member)  # type: ignore[arg-type]

        walk(pkg)
        # a documented package that re-exports in ``__all__`` (tambon_gis.selection) renders
        # those objects under its own path: link them there, also from their own docstrings
        rendered_as: dict[str, str] = {}

        def alias(obj: griffe.Object, path: str) -> None:
            rendered_as[obj.path] = path
            index.setdefault(obj.name, []).append(path)
            for name, member in obj.members.items():
                if not name.startswith("_") and not member.is_alias:
                    alias(member, f"{path}.{name}")  # type: ignore[arg-type]

        for mod in [o for o in objects.values() if o.is_module and o.path in documented]:
            for name in map(str, mod.exports or ()):
                member = mod.members.get(name)
                if member is not None and member.is_alias and not rendered(member.final_target):
                    alias(member.final_target, f"{mod.path}.{name}")
        linkable = {path for paths in index.values() for path in paths}
        shortcuts = {path.split(".")[-1]: path for path in linkable}

        def resolve(target: str, where: griffe.Object) -> str | None:
            target = target.strip().rstrip("()")
            candidates = [target]
            scope: griffe.Object | None = where
            while scope is not None:
                candidates.append(f"{shown(scope.path)}.{target}")
                scope = scope.parent
            if target.startswith("tambon_gis."):  # flat shortcuts: tambon_gis.load_boundaries
                tail = target.split(".", 1)[1]
                candidates.append(shortcuts.get(tail, ""))
            for cand in candidates:
                if cand in rendered_as:
                    return rendered_as[cand]
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
