"""The page size a list shows: 10, 20, 50 or 100 rows, chosen in the list's footer (?per_page=), kept in the
querystring with the list's other filters."""

PAGE_SIZES = (10, 20, 50, 100)
# The querystring keys that say which page is shown: a new page size starts again from the first page.
PAGING_KEYS = frozenset({"page", "per_page", "after", "before", "p"})


def per_page(request, default: int = 10) -> int:
    """The page size asked for, if it is one of PAGE_SIZES; otherwise (missing, a typo, 100000) the list's own."""
    asked = request.GET.get("per_page", "")
    return next((size for size in PAGE_SIZES if asked == str(size)), default)
