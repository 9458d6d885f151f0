"""Lists as CSV files to take away: one way to write them for every list of the workbench.

UTF-8, CRLF line ends, a heading row in words (in the interface's language); with
``?sep=;`` the variant German spreadsheets open as they are: a byte-order mark and
semicolons. Sent as an attachment named for the list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, request


def wants_german_csv() -> bool:
    return request.args.get("sep") == ";"


def csv_bytes(headings: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """``rows`` under ``headings`` as the CSV this request asks for (``?sep=;``: German)."""
    german = wants_german_csv()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if german else ",", lineterminator="\r\n")
    writer.writerow([str(h) for h in headings])
    writer.writerows(rows)
    return (("\ufeff" if german else "") + out.getvalue()).encode("utf-8")


def csv_download(headings: Sequence[object], rows: Iterable[Sequence[object]],
                 filename: str) -> Response:
    """``rows`` under ``headings`` as a CSV attachment ``filename``."""
    return Response(csv_bytes(headings, rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
