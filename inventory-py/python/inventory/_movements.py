"""The movements of a batch (:meth:`Inventory.apply`): an adjustment, a count, a transfer.

Their fields are the arguments of the single calls; pass the optional ones by keyword.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Union

from ._values import IdLike


@dataclasses.dataclass(frozen=True)
class Adjust:
    """Moves stock by ``delta`` at ``location``, as :meth:`Inventory.adjust_stock` does.

    >>> import inventory
    >>> inventory.Adjust("67e55044-10b1-426f-9247-bb680e5fe0c8", -1, reason="sale").location is None
    True
    """

    product_id: IdLike
    delta: int
    reason: str
    location: Optional[str] = None
    reference: Optional[str] = None
    actor: Optional[str] = None
    expected: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Count:
    """Records a count of ``quantity`` at ``location``, as :meth:`Inventory.set_stock` does.

    >>> import inventory
    >>> inventory.Count("67e55044-10b1-426f-9247-bb680e5fe0c8", 12, location="WH-1").reason
    'count'
    """

    product_id: IdLike
    quantity: int
    reason: str = "count"
    location: Optional[str] = None
    reference: Optional[str] = None
    actor: Optional[str] = None
    expected: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Transfer:
    """Moves ``quantity`` from one location to another, as :meth:`Inventory.transfer` does.

    >>> import inventory
    >>> t = inventory.Transfer("67e55044-10b1-426f-9247-bb680e5fe0c8", 1,
    ...                        from_location="WH-1", to_location="DEFAULT")
    >>> t.reason
    'transfer'
    """

    product_id: IdLike
    quantity: int
    from_location: str
    to_location: str
    reason: str = "transfer"
    reference: Optional[str] = None
    actor: Optional[str] = None
    expected: Optional[int] = None


#: One movement of a batch.
Movement = Union[Adjust, Count, Transfer]
