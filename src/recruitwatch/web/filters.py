"""The incident list's facets, read from a page's or an API call's query string.

:func:`parse` turns GET parameters into an :class:`~recruitwatch.store.IncidentFilter` plus a search
query and a page, and collects :class:`Problem` s for anything it could not use: a place or country
name it does not know (with the codes that come close), a code outside the taxonomy, a malformed
date. A list with problems is not queried: the page shows the problems instead of a silently empty
list, and the API answers 422 with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from recruitwatch.errors import StoreError
from recruitwatch.store import IncidentFilter
from recruitwatch.store.rows import date_bounds
from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS
from recruitwatch.taxonomy.places import resolve_country, resolve_place

VERIFICATIONS = ("reported", "corroborated", "verified", "disputed", "rejected")
#: Parameter -> the taxonomy table its codes come from.
CODED = {"status": STATUSES, "tactic": TACTICS, "actor": ACTORS, "outcome": OUTCOMES}
#: Every facet parameter, in the order the form shows them.
PARAMS = ("q", "date_from", "date_to", "place", "nationality", "status", "tactic", "actor", "outcome",
          "verification", "conf_min", "conf_max")
PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass(slots=True)
class Problem:
    param: str
    value: str
    message: str  # English; the page translates the known kinds
    kind: str  # unknown_place | unknown_country | unknown_code | bad_date | bad_number
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (code, name)


@dataclass(slots=True)
class ListQuery:
    filters: IncidentFilter
    q: str = ""
    page: int = 1
    per_page: int = PER_PAGE
    params: dict[str, str] = field(default_factory=dict)  # the facets as given (non-empty), to rebuild links
    problems: list[Problem] = field(default_factory=list)

    @property
    def facets(self) -> dict[str, str]:
        """The filter and search parameters (without paging)."""
        return {k: v for k, v in self.params.items() if k in PARAMS}

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def url(self, path: str, **change: str | int | None) -> str:
        """``path`` with the current facets, ``change`` applied (None removes a parameter)."""
        params: dict[str, str | int] = dict(self.params)
        for key, value in change.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = value
        return path + ("?" + urlencode(params) if params else "")


def _number(raw: str, param: str, problems: list[Problem]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        problems.append(Problem(param, raw, f"{param} must be a number between 0 and 1", "bad_number"))
        return None
    if not 0 <= value <= 1:
        problems.append(Problem(param, raw, f"{param} must be a number between 0 and 1", "bad_number"))
        return None
    return value


def _int(raw: str | None, default: int, lowest: int, highest: int) -> int:
    try:
        return max(lowest, min(highest, int(raw))) if raw else default
    except ValueError:
        return default


def parse(query: Mapping[str, str]) -> ListQuery:
    """Facets from a query string (a mapping of parameter -> value; empty values are ignored)."""
    params = {k: str(query[k]).strip() for k in PARAMS if k in query and str(query[k]).strip()}
    problems: list[Problem] = []
    f = IncidentFilter()
    for param in ("date_from", "date_to"):
        if param in params:
            try:
                date_bounds(params[param])
                setattr(f, param, params[param])
            except StoreError:
                problems.append(Problem(param, params[param], f"{params[param]!r} is not a date; use YYYY, YYYY-MM "
                                                             "or YYYY-MM-DD", "bad_date"))
    if "place" in params:
        found = resolve_place(params["place"])
        if found.codes:
            f.place = found.codes
        else:
            problems.append(Problem("place", params["place"], f"no place called {params['place']!r}", "unknown_place",
                                    found.suggestions))
    if "nationality" in params:
        found = resolve_country(params["nationality"])
        if found.codes:
            f.nationality = found.codes
        else:
            problems.append(Problem("nationality", params["nationality"], f"no country called {params['nationality']!r}",
                                    "unknown_country", found.suggestions))
    for param, table in CODED.items():
        if param in params:
            if params[param] in table:
                setattr(f, param, params[param])
            else:
                problems.append(Problem(param, params[param], f"{params[param]!r} is not a {param} code", "unknown_code",
                                        [(code, entry.label_en) for code, entry in table.items()]))
    if "verification" in params:
        if params["verification"] in VERIFICATIONS:
            f.verification = params["verification"]
        else:
            problems.append(Problem("verification", params["verification"], f"{params['verification']!r} is not a "
                                    "verification state", "unknown_code", [(v, v) for v in VERIFICATIONS]))
    if "conf_min" in params:
        f.confidence_min = _number(params["conf_min"], "conf_min", problems)
    if "conf_max" in params:
        f.confidence_max = _number(params["conf_max"], "conf_max", problems)
    per_page = _int(query.get("per_page"), PER_PAGE, 1, MAX_PER_PAGE)
    page = _int(query.get("page"), 1, 1, 10**6)
    if per_page != PER_PAGE:
        params["per_page"] = str(per_page)  # kept in the pager's links
    return ListQuery(f, params.get("q", ""), page, per_page, params, problems)
