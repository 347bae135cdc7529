"""
Read and write the catalog's own label file, ``<catalog>/polyedge_catalog.json``.

The label says how a catalog was made (``"synthetic": true`` for the generated sample) so
that every report built from it can say so.
"""

import json
import logging
from pathlib import Path
from typing import Any

METADATA_FILE = "polyedge_catalog.json"

log = logging.getLogger(__name__)


def metadata_path(catalog_path: str | Path) -> Path:
    """
    Return the label file path of a catalog.
    """
    return Path(catalog_path) / METADATA_FILE


def write_catalog_metadata(catalog_path: str | Path, metadata: dict[str, Any]) -> Path:
    """
    Write the label file (sorted keys, stable bytes for equal content).

    Parameters
    ----------
    catalog_path : str or Path
        The catalog root.
    metadata : dict[str, Any]
        JSON-serialisable content.

    Returns
    -------
    Path
        The written file.

    """
    path = metadata_path(catalog_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_catalog_metadata(catalog_path: str | Path) -> dict[str, Any] | None:
    """
    Return the label of a catalog, or None when it has none (or it is unreadable).

    Parameters
    ----------
    catalog_path : str or Path
        The catalog root.

    Returns
    -------
    dict[str, Any] or None

    """
    path = metadata_path(catalog_path)
    if not path.is_file():
        return None
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("Unreadable catalog metadata %s: %s", path, exc)
        return None
    if not isinstance(content, dict):
        log.warning("Catalog metadata %s is not a JSON object", path)
        return None
    return content


def is_synthetic(catalog_path: str | Path) -> bool:
    """
    Return True if the catalog is labelled synthetic.
    """
    metadata = read_catalog_metadata(catalog_path)
    return metadata is not None and metadata.get("synthetic") is True
