"""Boosted regression trees, as the line classifier's second stage ships them: plain data.

A logistic regression sees no thresholds or interactions by itself ("short, no sentence end,
between two short lines"); a few shallow trees fitted by gradient boosting do. Out of fold by
site they rank lines better than the linear second stage they replace (figures in
``benchmarks/train_line_model.py``, which fits them with scikit-learn at training time only).

Here they are evaluated in pure Python (no numpy or scikit-learn at run time: an English run
must start fast): the logit is the base plus each tree's leaf value, a row going left at a node
when its feature's value is at most the node's threshold. In the JSON file each tree is a list
of nodes, node 0 the root; a node is ``[feature, threshold, left, right]`` or a leaf
``[value]``. Loaded, a tree becomes nested tuples, and all the trees together one generated
Python function of a row (one conditional expression per tree on the row's values read into
locals, compiled once per model, about 20 ms): three times faster than walking the tuples, with
the same additions in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from normalize.errors import RulesError

# A tree: (feature, threshold, left, right), or a float at a leaf.
Node = tuple[int, float, "Node", "Node"] | float


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted trees: logit = base + the sum of the trees' leaf values. As the line
    classifier's second stage they judge only lines whose first-stage logit is at least
    ``gate`` (the rest keep that logit, far below any threshold): most lines of an article are
    plainly text, and walking a hundred trees for each would cost more than all other
    features together."""

    base: float
    trees: tuple[Node, ...]
    gate: float = -math.inf
    logit: Callable[[Sequence[float]], float] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "logit", _compile(self.base, self.trees))

    def logits(self, rows: Sequence[Sequence[float]]) -> list[float]:
        return list(map(self.logit, rows))

    def as_json(self) -> dict[str, object]:
        return {
            "base": self.base,
            "gate": self.gate,
            "trees": [_flatten(tree) for tree in self.trees],
        }


def _compile(base: float, trees: Sequence[Node]) -> Callable[[Sequence[float]], float]:
    """The function ``row -> base + each tree's leaf``, generated as Python source: one
    statement per tree adding a nested conditional expression (``repr`` writes each float
    exactly; ``inf`` and ``nan`` are names in its namespace)."""

    used: set[int] = set()

    def expr(node: Node) -> str:
        if not isinstance(node, tuple):
            return repr(float(node))
        feature, threshold = int(node[0]), float(node[1])
        used.add(feature)
        return f"({expr(node[2])} if x{feature} <= {threshold!r} else {expr(node[3])})"

    body = "".join(f"    z += {expr(tree)}\n" for tree in trees)
    # each feature read from the row once, into a local (a node then costs no indexing)
    load = "".join(f"    x{i} = row[{i}]\n" for i in sorted(used))
    source = f"def logit(row):\n{load}    z = {float(base)!r}\n{body}    return z\n"
    namespace: dict[str, object] = {"inf": math.inf, "nan": math.nan}
    exec(compile(source, "<boosted trees>", "exec"), namespace)  # our own source, from floats
    return namespace["logit"]  # type: ignore[return-value]


def _flatten(tree: Node) -> list[list[float]]:
    nodes: list[list[float]] = []

    def walk(node: Node) -> int:
        i = len(nodes)
        if isinstance(node, tuple):
            nodes.append([node[0], node[1], 0, 0])
            nodes[i][2] = walk(node[2])
            nodes[i][3] = walk(node[3])
        else:
            nodes.append([node])
        return i

    walk(tree)
    return nodes


def parse_trees(obj: object, n_features: int, source: str, key: str) -> Trees:
    """Trees from their JSON form; errors name the file and the tree."""
    if not isinstance(obj, dict) or not all(
        isinstance(obj.get(k), int | float) for k in ("base", "gate")
    ):
        raise RulesError(f"{source}: {key} must be an object with a numeric 'base' and 'gate'")
    raw = obj.get("trees")
    if not isinstance(raw, list):
        raise RulesError(f"{source}: {key}.trees must be a list")
    return Trees(
        float(obj["base"]),
        tuple(_parse_tree(t, n_features, f"{source}: {key}.trees[{k}]") for k, t in enumerate(raw)),
        float(obj["gate"]),
    )


def _parse_tree(nodes: object, n_features: int, where: str) -> Node:
    if not isinstance(nodes, list) or not nodes:
        raise RulesError(f"{where} must be a non-empty list of nodes")

    def build(i: int) -> Node:
        node = nodes[i]
        if not isinstance(node, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in node
        ):
            raise RulesError(f"{where}: node {i} must be a list of numbers")
        if len(node) == 1:
            return float(node[0])
        if len(node) != 4:
            raise RulesError(
                f"{where}: node {i} must be [value] or [feature, threshold, left, right]"
            )
        feature, threshold, left, right = node
        if not (isinstance(feature, int) and 0 <= feature < n_features):
            raise RulesError(f"{where}: node {i} names feature {feature}, not one of {n_features}")
        for child in (left, right):
            if not (isinstance(child, int) and i < child < len(nodes)):
                raise RulesError(f"{where}: node {i} has child {child}, not a later node")
        return (feature, float(threshold), build(left), build(right))

    return build(0)
