"""YAML composition: includes, deep merge, source tracking and loader errors."""

import os
from pathlib import Path

import pytest

from configs.errors import ConfigError
from configs.loader import deep_merge
from configs.loader import load_yaml_tree
from configs.loader import load_yaml_with_sources
from tests.unit._config_stubs import write_yaml

pytestmark = pytest.mark.unit


def _display(path: Path) -> Path:
    return Path(os.path.normpath(path))


def test_deep_merge_dicts_merge_and_other_values_replace() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "b": {"k": 1}, "c": 1}
    override = {"a": {"y": [3], "z": None}, "b": 5, "c": {"n": 1}}

    merged = deep_merge(base, override)

    assert merged == {"a": {"x": 1, "y": [3], "z": None}, "b": 5, "c": {"n": 1}}


def test_deep_merge_leaves_inputs_unchanged() -> None:
    base = {"a": {"x": 1}}
    override = {"a": {"y": 2}}

    merged = deep_merge(base, override)
    merged["a"]["x"] = 99

    assert base == {"a": {"x": 1}}
    assert override == {"a": {"y": 2}}


def test_includes_merge_in_order_then_root_applies_on_top(tmp_path: Path) -> None:
    write_yaml(tmp_path, "one.yaml", "v: {x: 1, y: 1, z: 1}\nitems: [1, 2]\n")
    write_yaml(tmp_path, "two.yaml", "v: {x: 2, y: 2}\nitems: [3]\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [one.yaml, two.yaml]\nv: {y: 3}\n")

    data = load_yaml_tree(root)

    assert data == {"v": {"x": 2, "y": 3, "z": 1}, "items": [3]}


def test_include_paths_are_relative_to_including_file(tmp_path: Path) -> None:
    write_yaml(tmp_path, "sub/leaf.yaml", "leaf: true\n")
    write_yaml(tmp_path, "sub/mid.yaml", "include: [leaf.yaml]\nmid: true\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [sub/mid.yaml]\n")

    assert load_yaml_tree(root) == {"leaf": True, "mid": True}


def test_include_loop_rejected_naming_cycle(tmp_path: Path) -> None:
    write_yaml(tmp_path, "b.yaml", "include: [a.yaml]\n")
    a = write_yaml(tmp_path, "a.yaml", "include: [b.yaml]\n")
    b = _display(tmp_path / "b.yaml")

    with pytest.raises(ConfigError) as caught:
        load_yaml_tree(a)

    assert f"include loop: {a} → {b} → {a}" in str(caught.value)
    assert caught.value.file == b


def test_same_fragment_included_twice_is_not_a_loop(tmp_path: Path) -> None:
    write_yaml(tmp_path, "common.yaml", "common: 1\n")
    write_yaml(tmp_path, "left.yaml", "include: [common.yaml]\nleft: 1\n")
    write_yaml(tmp_path, "right.yaml", "include: [common.yaml]\nright: 1\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [left.yaml, right.yaml]\n")

    assert load_yaml_tree(root) == {"common": 1, "left": 1, "right": 1}


def _write_chain(folder: Path, length: int) -> Path:
    write_yaml(folder, f"f{length}.yaml", f"level{length}: true\n")
    for level in range(length - 1, -1, -1):
        write_yaml(folder, f"f{level}.yaml", f"include: [f{level + 1}.yaml]\nlevel{level}: true\n")
    return folder / "f0.yaml"


def test_include_depth_three_is_allowed(tmp_path: Path) -> None:
    root = _write_chain(tmp_path, 3)

    assert load_yaml_tree(root) == {f"level{level}": True for level in range(4)}


def test_include_depth_four_rejected(tmp_path: Path) -> None:
    root = _write_chain(tmp_path, 4)

    with pytest.raises(ConfigError) as caught:
        load_yaml_tree(root)

    assert caught.value.file == tmp_path / "f3.yaml"
    assert "include depth exceeds 3" in caught.value.reason


def test_missing_include_names_including_file(tmp_path: Path) -> None:
    write_yaml(tmp_path, "there.yaml", "a: 1\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [there.yaml, gone.yaml]\n")

    with pytest.raises(ConfigError) as caught:
        load_yaml_tree(root)

    assert caught.value.file == root
    assert caught.value.key_path == "include[1]"
    assert "gone.yaml" in caught.value.reason


def test_missing_root_file_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found") as caught:
        load_yaml_tree(tmp_path / "nothing.yaml")

    assert caught.value.file == tmp_path / "nothing.yaml"


def test_invalid_yaml_reports_line_and_column(tmp_path: Path) -> None:
    root = write_yaml(tmp_path, "bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")

    with pytest.raises(ConfigError) as caught:
        load_yaml_tree(root)

    assert caught.value.file == root
    assert "invalid YAML at line 3, column 2" in caught.value.reason


@pytest.mark.parametrize("text", ["- 1\n- 2\n", "", "just text\n"])
def test_top_level_not_a_mapping_rejected(tmp_path: Path, text: str) -> None:
    root = write_yaml(tmp_path, "root.yaml", text)

    with pytest.raises(ConfigError, match="top level must be a mapping") as caught:
        load_yaml_tree(root)

    assert caught.value.file == root


@pytest.mark.parametrize(
    ("text", "key_path"),
    [("include: base.yaml\n", "include"), ("include: [base.yaml, 3]\n", "include[1]")],
)
def test_include_not_a_list_of_strings_rejected(tmp_path: Path, text: str, key_path: str) -> None:
    write_yaml(tmp_path, "base.yaml", "a: 1\n")
    root = write_yaml(tmp_path, "root.yaml", text)

    with pytest.raises(ConfigError) as caught:
        load_yaml_tree(root)

    assert (caught.value.file, caught.value.key_path) == (root, key_path)


def test_duplicate_key_in_one_mapping_rejected(tmp_path: Path) -> None:
    root = write_yaml(tmp_path, "root.yaml", "venue:\n  a: 1\n  a: 2\n")

    with pytest.raises(ConfigError, match="duplicate key 'a'"):
        load_yaml_tree(root)


def test_sources_name_the_file_that_set_each_leaf(tmp_path: Path) -> None:
    frag = write_yaml(tmp_path, "frag.yaml", "v: {x: 1, y: 1}\nitems: [{n: 1}]\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [frag.yaml]\nv: {y: 2}\n")

    tree = load_yaml_with_sources(root)

    assert tree.sources == {"v.x": frag, "v.y": root, "items[0].n": frag}


def test_replacing_a_subtree_drops_its_old_sources(tmp_path: Path) -> None:
    write_yaml(tmp_path, "frag.yaml", "v: {x: 1, y: 1}\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [frag.yaml]\nv: [7]\n")

    tree = load_yaml_with_sources(root)

    assert tree.data == {"v": [7]}
    assert tree.sources == {"v[0]": root}


def test_source_of_inner_key_prefers_leaf_named_in_reason(tmp_path: Path) -> None:
    frag = write_yaml(tmp_path, "frag.yaml", "s: {config: {low: 1, high: 2}}\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [frag.yaml]\ns: {config: {high: 0}}\n")

    tree = load_yaml_with_sources(root)

    assert tree.source_of("s.config", "high must exceed low") == frag
    assert tree.source_of("s.config", "bad value for high") == root
    assert tree.source_of("s.config.missing_field") in {frag, root}
    assert tree.source_of("nowhere.at.all") == root


def test_overrides_replace_values_and_fall_back_to_root_source(tmp_path: Path) -> None:
    write_yaml(tmp_path, "frag.yaml", "v: {x: 1, y: 1}\n")
    root = write_yaml(tmp_path, "root.yaml", "include: [frag.yaml]\n")

    tree = load_yaml_with_sources(root).with_overrides({"v": {"x": 5}})

    assert tree.data == {"v": {"x": 5, "y": 1}}
    assert tree.source_of("v.x") == root
    assert tree.source_of("v.y") == tmp_path / "frag.yaml"


def test_config_error_str_omits_empty_parts() -> None:
    full = ConfigError(Path("a.yaml"), "venue.book_type", "bad")
    no_key = ConfigError(Path("a.yaml"), "", "bad")
    no_file = ConfigError(None, "mode", "bad")

    assert [str(full), str(no_key), str(no_file)] == [
        "a.yaml: venue.book_type: bad",
        "a.yaml: bad",
        "mode: bad",
    ]
