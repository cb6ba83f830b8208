"""A paginator that stops counting: "more than 1,000" costs the same as the page it is shown on.

An exact count of a search over a national register can cost more than the page itself. This one
counts at most ``cap`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``) and says when there
were more; the pages up to the cap can be read, and past it the user narrows the search.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than were counted."""
        return self.counted > self.cap
