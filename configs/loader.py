"""
Compose a polyedge configuration from YAML files.

A root file may list ``include:`` fragments (paths relative to the including file). Fragments
are loaded first, recursively, and deep-merged in order; the including file's own keys apply on
top. Dicts merge key by key; lists and scalars are replaced by the later value. The loader also
records which file set every leaf key, so validation errors can name the file to fix.
"""

import copy
import os
import re
from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from configs.errors import ConfigError

INCLUDE_KEY = "include"
MAX_INCLUDE_DEPTH = 3


@dataclass(frozen=True)
class YamlTree:
    """
    A merged YAML document with the file that set each leaf key.

    Parameters
    ----------
    data : dict[str, Any]
        The merged document, without the ``include`` key.
    sources : dict[str, Path]
        Dotted key path (list indices as ``[0]``) of every leaf -> the file that set it.
    root : Path
        The root file, used when no better source is known.

    """

    data: dict[str, Any]
    root: Path
    sources: dict[str, Path] = field(default_factory=dict)

    def source_of(self, key_path: str, reason: str = "") -> Path:
        """
        Return the file that set `key_path`, or the closest thing to it.

        An exact leaf wins; for an inner key, a leaf under it whose name appears in `reason`
        is preferred (a ``__post_init__`` message usually names the field), else the first leaf
        under it; then the same search runs for each parent key; finally the root file.

        Parameters
        ----------
        key_path : str
            The dotted key path of the problem.
        reason : str, optional
            The error message, used to pick among the leaves under an inner key.

        Returns
        -------
        Path

        """
        for candidate in _self_and_parents(key_path):
            if candidate in self.sources:
                return self.sources[candidate]
            under = [key for key in self.sources if _is_under(key, candidate)]
            if under:
                return self.sources[_best_match(under, reason)]
        return self.root

    def with_overrides(self, overrides: Mapping[str, Any]) -> "YamlTree":
        """
        Return a new tree with `overrides` deep-merged on top.

        Overridden leaves are attributed to the root file.

        Parameters
        ----------
        overrides : Mapping[str, Any]
            Values to apply on top (e.g. from the command line).

        Returns
        -------
        YamlTree

        """
        data = copy.deepcopy(self.data)
        sources = dict(self.sources)
        new = dict(overrides)
        _merge_into(data, sources, new, _leaf_sources(new, "", self.root), "")
        return YamlTree(data=data, root=self.root, sources=sources)


def load_yaml_tree(path: str | Path) -> dict[str, Any]:
    """
    Load a root YAML file with its includes and return the merged document.

    Parameters
    ----------
    path : str or Path
        The root YAML file.

    Returns
    -------
    dict[str, Any]

    Raises
    ------
    ConfigError
        If a file is missing or unreadable, is not a YAML mapping, has a bad ``include`` list,
        or the includes loop or nest deeper than ``MAX_INCLUDE_DEPTH``.

    """
    return load_yaml_with_sources(path).data


def load_yaml_with_sources(path: str | Path) -> YamlTree:
    """
    Load a root YAML file with its includes, keeping the source file of every leaf key.

    Parameters
    ----------
    path : str or Path
        The root YAML file.

    Returns
    -------
    YamlTree

    Raises
    ------
    ConfigError
        As for `load_yaml_tree`.

    """
    root = Path(os.path.normpath(path))
    data, sources = _load_file(root, (root,), depth=0)
    return YamlTree(data=data, root=root, sources=sources)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """
    Return `base` with `override` merged on top; neither input is modified.

    Dicts merge key by key; any other value (list, scalar, ``None``) replaces the earlier one.

    Parameters
    ----------
    base : Mapping[str, Any]
        The earlier document.
    override : Mapping[str, Any]
        The later document, which wins.

    Returns
    -------
    dict[str, Any]

    """
    merged = copy.deepcopy(dict(base))
    _merge_into(merged, {}, dict(override), {}, "")
    return merged


def format_key_path(parts: Iterable[str | int]) -> str:
    """
    Join key parts into a dotted path, rendering list indices as ``[i]``.

    Parameters
    ----------
    parts : Iterable[str | int]
        Keys and list indices, outermost first (e.g. a pydantic error ``loc``).

    Returns
    -------
    str

    """
    path = ""
    for part in parts:
        path = _index_key(path, part) if isinstance(part, int) else _child_key(path, part)
    return path


def _load_file(
    path: Path,
    stack: tuple[Path, ...],
    depth: int,
) -> tuple[dict[str, Any], dict[str, Path]]:
    raw = _read_mapping(path)
    merged: dict[str, Any] = {}
    sources: dict[str, Path] = {}
    for index, child in enumerate(_include_paths(raw, path)):
        key = f"{INCLUDE_KEY}[{index}]"
        _check_include(path, key, child, stack, depth)
        child_data, child_sources = _load_file(child, (*stack, child), depth + 1)
        _merge_into(merged, sources, child_data, child_sources, "")
    own = {key: value for key, value in raw.items() if key != INCLUDE_KEY}
    _merge_into(merged, sources, own, _leaf_sources(own, "", path), "")
    return merged, sources


def _check_include(
    path: Path,
    key: str,
    child: Path,
    stack: tuple[Path, ...],
    depth: int,
) -> None:
    resolved = [item.resolve() for item in stack]
    if child.resolve() in resolved:
        start = resolved.index(child.resolve())
        cycle = " → ".join(str(item) for item in (*stack[start:], child))
        raise ConfigError(path, key, f"include loop: {cycle}")
    if depth + 1 > MAX_INCLUDE_DEPTH:
        reason = f"include depth exceeds {MAX_INCLUDE_DEPTH} (including {child})"
        raise ConfigError(path, key, reason)
    if not child.is_file():
        raise ConfigError(path, key, f"included file not found: {child}")


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", f"cannot read file: {exc}") from exc
    loader = _UniqueKeyLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(path, "", _describe_yaml_error(exc)) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(path, "", f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
    if not isinstance(document, dict):
        kind = "an empty document" if document is None else type(document).__name__
        raise ConfigError(path, "", f"top level must be a mapping, got {kind}")
    return document


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "malformed YAML"
    if mark is None:
        return f"invalid YAML: {problem}"
    return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _include_paths(raw: dict[str, Any], path: Path) -> list[Path]:
    includes = raw.get(INCLUDE_KEY, [])
    if not isinstance(includes, list):
        raise ConfigError(path, INCLUDE_KEY, "must be a list of file paths")
    paths = []
    for index, item in enumerate(includes):
        if not isinstance(item, str) or not item.strip():
            key = f"{INCLUDE_KEY}[{index}]"
            raise ConfigError(path, key, f"must be a file path string, got {item!r}")
        paths.append(Path(os.path.normpath(path.parent / item)))
    return paths


def _merge_into(
    target: dict[str, Any],
    target_sources: dict[str, Path],
    new: dict[str, Any],
    new_sources: dict[str, Path],
    prefix: str,
) -> None:
    for key, value in new.items():
        path = _child_key(prefix, key)
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            if value:
                target_sources.pop(path, None)
            _merge_into(current, target_sources, value, new_sources, path)
            continue
        for stale in [item for item in target_sources if _is_under(item, path)]:
            del target_sources[stale]
        target[key] = copy.deepcopy(value)
        target_sources.update(
            {item: source for item, source in new_sources.items() if _is_under(item, path)},
        )


def _leaf_sources(value: Any, prefix: str, source: Path) -> dict[str, Path]:
    if isinstance(value, dict) and value:
        children = [(_child_key(prefix, key), item) for key, item in value.items()]
    elif isinstance(value, list) and value:
        children = [(_index_key(prefix, index), item) for index, item in enumerate(value)]
    else:
        return {prefix: source}
    leaves: dict[str, Path] = {}
    for path, item in children:
        leaves.update(_leaf_sources(item, path, source))
    return leaves


def _child_key(prefix: str, key: object) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _index_key(prefix: str, index: int) -> str:
    return f"{prefix}[{index}]"


def _is_under(key: str, prefix: str) -> bool:
    if not prefix:
        return True
    return key == prefix or key.startswith((f"{prefix}.", f"{prefix}["))


def _self_and_parents(key_path: str) -> list[str]:
    paths = []
    path = key_path
    while path:
        paths.append(path)
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return paths


def _best_match(keys: list[str], reason: str) -> str:
    for key in keys:
        name = re.split(r"[.\[]", key)[-1]
        if name and re.search(rf"\b{re.escape(name)}\b", reason):
            return key
    return keys[0]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key repeated in one mapping (PyYAML keeps the last)."""


def _construct_unique_mapping(
    loader: _UniqueKeyLoader,
    node: yaml.MappingNode,
    deep: bool = False,
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            continue
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)
