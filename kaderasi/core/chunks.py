"""Splitting a stream of items into lists of a fixed size."""

from collections.abc import Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")


def chunks(items: Iterable[Item], size: int = 500) -> Iterator[list[Item]]:
    """`items` in lists of `size` (the last one shorter), taking an item only when its list is
    being filled: a generator is read no further ahead than the list handed out."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
