"""Synthetic scale: the catalogue replicated N times with distinct keys, for benchmarks.

Replica 1 is the catalogue itself; replica ``k > 1`` has every project code suffixed with
``-xk`` (``13-01-x2``), and its references to other projects point into the same replica.
Places, organisations, ministries and action fields are shared, as they would be in a
larger catalogue. The mapping derives every other key (measure, duration, mention) from
the project code, so the replicas differ from replica 1 by the suffix and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ruhrgraph.records import LinkedCatalogue, LinkedProject


def replica(linked: LinkedProject, k: int) -> LinkedProject:
    """Copy ``k`` of one linked project (``k == 1``: the project itself)."""
    if k < 1:
        raise ValueError(f"replica numbers count from 1, got {k}")
    if k == 1:
        return linked
    suffix = f"-x{k}"
    project = replace(linked.project, code=linked.project.code + suffix)
    related = tuple(replace(link, key=link.key + suffix) for link in linked.related_projects)
    return replace(linked, project=project, related_projects=related)


def replicas(linked: LinkedCatalogue, n: int) -> Iterator[tuple[int, Iterator[LinkedProject]]]:
    """``(k, projects of replica k)`` for k = 1..n, generated lazily."""
    if n < 1:
        raise ValueError(f"scale must be at least 1, got {n}")
    for k in range(1, n + 1):
        yield k, (replica(project, k) for project in linked.projects)
