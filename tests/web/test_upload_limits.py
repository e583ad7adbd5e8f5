"""Uploads are bounded: a body over the limit is refused before it is read (or written to a
temporary file), and a zip or XLSX that would unpack to more than msops reads is refused before
anything in it is inflated. A refused upload stores nothing."""

from __future__ import annotations

import asyncio
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from msops.returns.files import write_return
from msops.returns.limits import UnpackLimits, unpack_problem
from msops.web.services import MAX_UPLOAD_BYTES, UPLOAD_BODY_BYTES
from tests.builders import valid_return
from tests.conftest import row_counts
from tests.web.conftest import PERIOD, Site, return_file

FORM = {"org": "Cleveland", "period": "2018-02"}
CSV_HEADER = b"operation_ref,operation_name,lead_org,status,opened_date\n"
CSV_ROW = b"CL-900,Operation Bomb,Cleveland Police,Live,2018-01-15\n"


def zip_bomb(path: Path, inflated: int, member: str = "operations.csv") -> Path:
    """A small zip holding one CSV file of `inflated` bytes (written in pieces, never whole)."""
    rows = CSV_ROW * (2**16 // len(CSV_ROW))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(member, "w") as out,
    ):
        out.write(CSV_HEADER)
        written = len(CSV_HEADER)
        while written < inflated:
            out.write(rows)
            written += len(rows)
    return path


def upload(client: TestClient, url: str, name: str, data: bytes) -> Any:
    fields = {**FORM, "csrf_token": client.headers["X-CSRF-Token"]}
    return client.post(url, data=fields, files={"file": (name, data, "application/zip")})


@pytest.mark.parametrize("url", ["/returns/upload", "/api/returns"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(site: Site, tmp_path: Path, url: str) -> None:
    bomb = zip_bomb(tmp_path / "bomb.zip", 60 * 10**6).read_bytes()
    assert len(bomb) < 2**20  # 60 MB of CSV in well under a megabyte
    client = site.client("force")
    before = row_counts(site.engine)
    started = time.monotonic()
    answer = upload(client, url, "bomb.zip", bomb)
    assert time.monotonic() - started < 20  # reading it took a minute
    assert answer.status_code == 400
    assert "would unpack to 57 MB, more than msops reads (50 MB)" in answer.text
    assert row_counts(site.engine) == before


def test_an_xlsx_bomb_is_refused_too(site: Site, tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 60 * 10**6, member="xl/worksheets/sheet1.xml")
    client = site.client("force")
    before = row_counts(site.engine)
    answer = upload(client, "/api/returns", "bomb.xlsx", bomb.read_bytes())
    assert answer.status_code == 400 and "would unpack to" in answer.json()["detail"]
    assert row_counts(site.engine) == before


def test_the_unpacked_limit_is_configurable(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSOPS_MAX_UNPACKED_MB", "1")
    bomb = zip_bomb(tmp_path / "bomb.zip", 2 * 2**20).read_bytes()
    answer = upload(site.client("force"), "/api/returns", "bomb.zip", bomb)
    assert answer.status_code == 400 and "more than msops reads (1 MB)" in answer.text


def test_a_member_bigger_than_it_says_fails_its_check_and_stores_nothing(
    site: Site, tmp_path: Path
) -> None:
    """The declared sizes are a bound: a member that inflates to more than it declares is
    cut there by zipfile and fails its CRC, so a lying directory gains nothing."""
    honest = zip_bomb(tmp_path / "liar.zip", 10 * 2**20).read_bytes()
    liar = bytearray(honest)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = liar.index(signature) + offset
        liar[at : at + 4] = (2000).to_bytes(4, "little")  # "2,000 bytes once unpacked"
    client = site.client("force")
    before = row_counts(site.engine)
    answer = upload(client, "/api/returns", "liar.zip", bytes(liar))
    assert answer.status_code == 200 and answer.json()["outcome"] == "rejected"
    assert "could not be opened" in answer.text
    assert row_counts(site.engine) == before


def test_an_upload_over_the_limit_is_refused_with_a_message(site: Site) -> None:
    too_big = CSV_HEADER + b"x" * UPLOAD_BODY_BYTES
    client = site.client("force")
    before = row_counts(site.engine)
    for url in ("/returns/upload", "/api/returns"):
        answer = upload(client, url, "big.csv", too_big)
        assert answer.status_code == 413, url
        assert "the file is over 20 MB" in answer.text
    assert row_counts(site.engine) == before
    # just under the body limit, the file itself is still over 20 MB: refused by the route
    fields = {**FORM, "csrf_token": client.headers["X-CSRF-Token"]}
    answer = client.post(
        "/api/returns", data=fields, files={"file": ("big.csv", too_big[: MAX_UPLOAD_BYTES + 10])}
    )
    assert answer.status_code == 400 and "the file is over 20 MB" in answer.text


def test_any_other_request_is_limited_to_a_megabyte(site: Site) -> None:
    answer = site.client(None).post("/api/session", json={"name": "force", "password": "x" * 2**21})
    assert answer.status_code == 413 and "larger than msops accepts" in answer.json()["detail"]
    client = site.client("admin")
    padded = {"name": "x", "csrf_token": client.headers["X-CSRF-Token"]}
    answer = client.post("/accounts/disable", data=padded, files={"pad": ("p", b"0" * 2**21)})
    assert answer.status_code == 413


class Sender:
    """The ASGI side of a client sending a multipart upload of `size` bytes in 64 KiB pieces,
    without a Content-Length unless `declare` is set; counts what the server asked for."""

    CHUNK = 2**16

    def __init__(self, client: TestClient, size: int, declare: bool) -> None:
        self.cookie = f"msops_session={client.cookies['msops_session']}"
        boundary = "msopsboundary"
        fields = {**FORM, "csrf_token": client.headers["X-CSRF-Token"]}
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"'
            "\r\nContent-Type: text/csv\r\n\r\n"
        )
        self.head, self.tail = head.encode(), f"\r\n--{boundary}--\r\n".encode()
        self.size = size
        self.total = len(self.head) + size + len(self.tail)
        self.headers = [
            (b"host", b"testserver"),
            (b"cookie", self.cookie.encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
        ]
        if declare:
            self.headers.append((b"content-length", str(self.total).encode()))
        self.sent = 0
        self.pieces = self._pieces()
        self.status: int | None = None
        self.body = b""

    def _pieces(self) -> Iterator[bytes]:
        yield self.head
        left = self.size
        while left > 0:
            piece = min(left, self.CHUNK)
            yield b"y" * piece
            left -= piece
        yield self.tail

    async def receive(self) -> dict[str, Any]:
        piece = next(self.pieces, None)
        if piece is None:
            return {"type": "http.disconnect"}
        self.sent += len(piece)
        return {"type": "http.request", "body": piece, "more_body": self.sent < self.total}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def run(self, site: Site, path: str) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": self.headers,
            "client": ("testclient", 50000),
            "server": ("testserver", 80),
        }
        asyncio.run(site.app(scope, self.receive, self.send))  # type: ignore[arg-type]


@pytest.mark.parametrize("declare", [True, False])
def test_a_200_mb_upload_is_refused_without_being_read_or_spooled(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declare: bool
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where uploads are spooled
    client = site.client("force")
    before = row_counts(site.engine)
    sender = Sender(client, 200 * 2**20, declare=declare)
    sender.run(site, "/returns/upload")
    assert sender.status == 413 and b"the file is over 20 MB" in sender.body
    if declare:  # refused on its declared length: not one byte read
        assert sender.sent == 0
    else:  # refused as the count passed the limit
        assert UPLOAD_BODY_BYTES < sender.sent <= UPLOAD_BODY_BYTES + Sender.CHUNK
    assert list(spool.iterdir()) == []
    assert row_counts(site.engine) == before


def test_a_normal_return_is_well_within_the_limits(tmp_path: Path) -> None:
    xlsx = tmp_path / "return.xlsx"
    xlsx.write_bytes(return_file(tmp_path, valid_return("CL-001", "CL-002")))
    csv_zip = tmp_path / "return.zip"
    write_return(
        csv_zip, "csv", valid_return("CL-001"), organisation="Cleveland Police", period=str(PERIOD)
    )
    assert unpack_problem(xlsx) is None and unpack_problem(csv_zip) is None
    assert "would unpack to" in str(unpack_problem(xlsx, UnpackLimits(max_bytes=1000)))
    assert "holds 6 files" in str(unpack_problem(csv_zip, UnpackLimits(max_members=3)))


def test_a_highly_compressed_archive_is_refused_on_its_ratio(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "dense.zip", 4 * 2**20)
    problem = unpack_problem(bomb, UnpackLimits(max_ratio=50))
    assert problem is not None and "compressed" in problem and "to 1" in problem
    assert unpack_problem(tmp_path / "missing.zip") is None
    not_a_zip = tmp_path / "plain.xlsx"
    not_a_zip.write_bytes(b"not a zip at all")
    assert unpack_problem(not_a_zip) is None  # the reader says it is damaged
