"""Writers for the export formats: CSV, JSON Lines, GeoJSON and Parquet, one row at a time.

Every writer takes rows as plain dicts with the columns it was opened with and holds at most
one Parquet row group in memory, so an export streams whatever its size. List columns are
lists; in CSV they are joined with ``;`` and nested values (evidence, sources) are JSON.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from typing import IO, Any

from recruitwatch.errors import ConfigError

FORMATS = ("csv", "jsonl", "geojson", "parquet")
BINARY_FORMATS = ("parquet",)
PARQUET_ROW_GROUP = 5000

Geometry = Callable[[dict[str, Any]], dict[str, Any] | None]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


class CsvWriter:
    def __init__(self, out: IO[str], columns: Sequence[str], lists: Sequence[str], nested: Sequence[str]):
        self._writer = csv.writer(out, lineterminator="\n")
        self._columns, self._lists, self._nested = list(columns), set(lists), set(nested)
        self._writer.writerow(self._columns)

    def _cell(self, name: str, value: Any) -> Any:
        if value is None:
            return ""
        if name in self._nested:
            return _json(value)
        if name in self._lists:
            return ";".join(str(v) for v in value)
        return value

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow([self._cell(name, row.get(name)) for name in self._columns])

    def close(self) -> None:
        pass  # rows are written as they come; the caller owns (and closes) the stream


class JsonLinesWriter:
    def __init__(self, out: IO[str], columns: Sequence[str]):
        self._out, self._columns = out, list(columns)

    def write(self, row: dict[str, Any]) -> None:
        self._out.write(_json({name: row.get(name) for name in self._columns}) + "\n")

    def close(self) -> None:
        pass  # rows are written as they come; the caller owns (and closes) the stream


class GeoJsonWriter:
    """A FeatureCollection written feature by feature; ``geometry(row)`` gives each row's point(s)."""

    def __init__(self, out: IO[str], columns: Sequence[str], geometry: Geometry):
        self._out, self._columns, self._geometry = out, list(columns), geometry
        self._first = True
        out.write('{"type":"FeatureCollection","features":[\n')

    def write(self, row: dict[str, Any]) -> None:
        feature = {"type": "Feature", "geometry": self._geometry(row),
                   "properties": {name: row.get(name) for name in self._columns}}
        self._out.write(("" if self._first else ",\n") + _json(feature))
        self._first = False

    def close(self) -> None:
        self._out.write("\n]}\n")


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError(
            "Parquet needs pyarrow, which is in the optional `export` extra: pip install 'recruitwatch[export]' "
            "(or choose --format csv, jsonl or geojson)"
        ) from None
    return pyarrow, pyarrow.parquet


class ParquetWriter:
    def __init__(self, out: IO[bytes], columns: Sequence[str], types: dict[str, str]):
        pa, pq = _pyarrow()
        self._pa = pa
        kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "list": pa.list_(pa.string()),
                 "json": pa.string(), "bool": pa.bool_()}
        self._columns = list(columns)
        self._json = {name for name in columns if types.get(name) == "json"}
        self._schema = pa.schema([(name, kinds[types.get(name, "str")]) for name in self._columns])
        self._writer = pq.ParquetWriter(out, self._schema, compression="zstd")
        self._buffer: dict[str, list[Any]] = {name: [] for name in self._columns}
        self._size = 0

    def write(self, row: dict[str, Any]) -> None:
        for name in self._columns:
            value = row.get(name)
            self._buffer[name].append(_json(value) if name in self._json and value is not None else value)
        self._size += 1
        if self._size >= PARQUET_ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._size:
            self._writer.write_table(self._pa.table(self._buffer, schema=self._schema))
            self._buffer = {name: [] for name in self._columns}
            self._size = 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


def check_format(fmt: str) -> str:
    fmt = fmt.lower().strip()
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        _pyarrow()
    return fmt
