"""Uploaded images are checked from their header before any decoding: a tiny file that
claims a huge picture is refused at once, beside its field; what is kept carries no
metadata."""

import functools
import json
import struct
import subprocess
import sys
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin
from sqlalchemy import select

from initiatives.models import CatalogItem
from tests.test_initiatives_public import OUTSIDER
from tests.test_initiatives_support import catalog_fixture, uploads_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def png_bomb(width: int, height: int) -> bytes:
    """A valid grey PNG of `width`×`height` black pixels, compressed to almost nothing.

    The rows are deflated in equal blocks that each start afresh (a full flush), so one
    block is compressed and repeated; the checksum is still taken over every row."""
    row = b"\0" * (width + 1)  # the filter byte, then the pixels
    per_block = max(1, (1 << 20) // len(row))
    blocks, rest = divmod(height, per_block)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(row * per_block) + deflate.flush(zlib.Z_FULL_FLUSH)
    stream = block * blocks + deflate.compress(row * rest) + deflate.flush()
    checksum = 1
    for _ in range(blocks):
        checksum = zlib.adler32(row * per_block, checksum)
    checksum = zlib.adler32(row * rest, checksum)
    idat = b"\x78\xda" + stream + struct.pack(">I", checksum)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))  # fmt: skip


def test_the_bomb_is_a_real_image():
    with Image.open(BytesIO(png_bomb(3, 50_000))) as image:
        image.load()
        assert image.size == (3, 50_000) and image.getextrema() == (0, 0)


MEASURE = """
import json, resource, sys, time
from io import BytesIO
from flask import Flask
from flask_babel import Babel
from core.config import ENVIRONMENT
from core.errors import DomainError
from initiatives.covers import save_cover
app = Flask("measure")
app.config.update(UPLOAD_DIR=sys.argv[2], MAX_IMAGE_PIXELS=ENVIRONMENT["MAX_IMAGE_PIXELS"][0])
Babel(app)
data = open(sys.argv[1], "rb").read()
with app.test_request_context():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    try:
        save_cover(BytesIO(data))
        outcome = "saved"
    except DomainError as error:
        outcome = error.message
    seconds = time.process_time() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": grown / 1024}))
"""


def measure_cover(data: bytes, tmp_path) -> dict:
    """Store `data` as a cover in a fresh process: its outcome, time and peak memory growth."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", MEASURE, str(bomb), str(tmp_path / "uploads")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_tall_thin_bomb_is_refused_from_its_header_quickly(tmp_path):
    data = png_bomb(1, 39_000_000)
    assert len(data) < 100_000  # 75 KB on the wire
    figures = measure_cover(data, tmp_path)
    print(f"\n1×39,000,000 PNG ({len(data) // 1024} KB): {figures}")
    assert "too large" in figures["outcome"]
    assert figures["seconds"] < 0.5
    assert figures["peak_mb"] < 20


def offer(client, catalog, cover: bytes, name="cover.png"):
    return client.post(
        f"/public/initiatives/{catalog.initiative.id}/offer",
        data={**OUTSIDER, "title": "Peopleware", "category": "PMBOK", "condition": "good",
              "cover": (BytesIO(cover), name)},
    )  # fmt: skip


def field_error(page: str) -> str:
    """The message shown under the cover field."""
    after = page.split('id="cover"', 1)[1]
    return after.split("invalid-feedback", 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    "size",
    [(20_000, 20_000), (1, 39_000_000), (12_000, 2)],
    ids=["20000x20000", "1x39000000", "12000x2"],
)
def test_a_bomb_through_the_public_offer_form_gets_a_message_beside_the_field(
    catalog, client, size
):
    bomb = png_bomb(*size)
    started = time.process_time()
    response = offer(client, catalog, bomb)
    assert response.status_code == 400
    assert time.process_time() - started < 2
    assert "too large" in field_error(response.get_data(as_text=True))
    assert (
        client.application.extensions["sqlalchemy"].session.execute(select(CatalogItem)).first()
        is None
    )


def test_the_pixel_bound_is_a_setting(catalog, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 100 * 100)
    refused = offer(client, catalog, _png(Image.new("RGB", (101, 100), "teal")))
    assert refused.status_code == 400
    assert "too large" in field_error(refused.get_data(as_text=True))
    assert offer(client, catalog, _png(Image.new("RGB", (100, 100), "teal"))).status_code == 302


def _png(image, **options) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def stored_cover(uploads) -> Path:
    [stored] = [p for p in (uploads / "covers").iterdir() if "-thumb" not in p.name]
    return stored


def test_a_jpeg_keeps_no_comment_exif_or_xmp(catalog, client, uploads):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x8298] = "secret copyright"  # Copyright
    buffer = BytesIO()
    Image.new("RGB", (300, 400), "teal").save(
        buffer, format="JPEG", comment=b"secret comment", exif=exif,
        xmp=b"<x:xmpmeta>secret xmp</x:xmpmeta>",
    )  # fmt: skip
    assert b"secret comment" in buffer.getvalue()
    assert offer(client, catalog, buffer.getvalue(), "cover.jpg").status_code == 302
    for path in (uploads / "covers").iterdir():
        data = path.read_bytes()
        assert b"secret" not in data, path.name
        with Image.open(path) as kept:
            assert "comment" not in kept.info and "exif" not in kept.info
            assert not kept.getexif()


def png_chunks(data: bytes) -> list[bytes]:
    """The kinds of a PNG's chunks, in order, each kind once."""
    kinds, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind not in kinds:
            kinds.append(kind)
        position += 12 + length
    return kinds


def test_a_png_keeps_no_text_chunks_exif_or_colour_profile(catalog, client, uploads):
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "secret author")
    text.add_text("Comment", "secret comment", zip=True)
    text.add_itxt("XML:com.adobe.xmp", "secret xmp")
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    cover = _png(Image.new("RGB", (300, 400), "teal"), pnginfo=text, exif=exif,
                 icc_profile=profile)  # fmt: skip
    assert offer(client, catalog, cover).status_code == 302
    for path in (uploads / "covers").iterdir():
        data = path.read_bytes()
        assert b"secret" not in data, path.name
        assert png_chunks(data) == [b"IHDR", b"IDAT", b"IEND"], path.name
        with Image.open(path) as kept:
            assert kept.getpixel((0, 0)) == (0, 128, 128)  # teal, its colours unchanged


def test_a_photo_taken_sideways_is_kept_upright(catalog, client, uploads):
    # Dropping EXIF drops the orientation tag, so the turn is applied to the pixels.
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    buffer = BytesIO()
    Image.new("RGB", (400, 300), "teal").save(buffer, format="JPEG", exif=exif)
    assert offer(client, catalog, buffer.getvalue(), "cover.jpg").status_code == 302
    with Image.open(stored_cover(uploads)) as kept:
        assert kept.size == (300, 400)


@pytest.mark.parametrize("broken_tag", [0x011F, 0x0109], ids=["rational", "short"])
def test_a_sideways_photo_with_a_broken_exif_block_is_kept_upright(
    catalog, client, uploads, broken_tag
):
    """Another tag holding text where the standard wants a number (a camera's slip, or
    anyone's few edited bytes) leaves the orientation readable: the photo is kept, turned
    (Pillow's exif_transpose writes the whole block back and fails on it: a 500)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Cam"  # Make: text, as it should be
    raw = exif.tobytes().replace(b"\x01\x0f\x00\x02", struct.pack(">HH", broken_tag, 2))
    buffer = BytesIO()
    Image.new("RGB", (400, 300), "teal").save(buffer, format="JPEG", exif=raw)
    assert offer(client, catalog, buffer.getvalue(), "cover.jpg").status_code == 302
    with Image.open(stored_cover(uploads)) as kept:
        assert kept.size == (300, 400) and not kept.getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_explained_beside_the_field(catalog, client, fmt):
    buffer = BytesIO()
    Image.effect_noise((400, 400), 64).convert("RGB").save(buffer, format=fmt)
    response = offer(client, catalog, buffer.getvalue()[: buffer.tell() // 2], f"cover.{fmt}")
    assert response.status_code == 400
    assert "not an image we can read" in field_error(response.get_data(as_text=True))


@functools.cache
def jpeg_scan_bomb(width: int, size: int) -> bytes:
    """A grey progressive JPEG of `width`×`width` grown to `size` bytes with empty
    refinement scans: each is a few bytes, yet the decoder walks every block for it."""
    out = BytesIO()
    Image.new("L", (width, width), 128).save(out, "JPEG", progressive=True, quality=50)
    base = out.getvalue()[:-2]  # without its end-of-image marker
    # One Huffman table of a single code (0xE0: a run of 14 zero blocks, then 2**14 more).
    dht = b"\xff\xc4" + struct.pack(">H", 20) + b"\x11" + bytes([1] + [0] * 15) + b"\xe0"
    bits = ("0" + "1" * 14) * -(-(((width + 7) // 8) ** 2) // 32767)
    bits += "1" * (-len(bits) % 8)
    coded = bytearray()
    for start in range(0, len(bits), 8):
        coded.append(int(bits[start : start + 8], 2))
        if coded[-1] == 0xFF:
            coded.append(0)  # a stuffed byte
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x01\x01\x3f\x00" + bytes(coded)
    count = (size - len(base) - len(dht) - 2) // len(scan)
    return base + dht + scan * count + b"\xff\xd9"


def test_a_jpeg_of_thousands_of_scans_is_refused_before_decoding(tmp_path):
    # 100 KB of empty scans over a 2048×2048 picture: seconds of decoding without the
    # check (a 300 KB one of 4896×4896 took 41 s); it is refused from its markers.
    data = jpeg_scan_bomb(2048, 100_000)
    figures = measure_cover(data, tmp_path)
    scans = data.count(b"\xff\xda")
    print(f"\n2048×2048 JPEG of {scans} scans ({len(data) // 1024} KB): {figures}")
    assert "too many passes" in figures["outcome"]
    assert figures["seconds"] < 0.5


def test_an_ordinary_progressive_jpeg_is_kept(catalog, client, uploads):
    photo = BytesIO()
    Image.new("RGB", (800, 600), "teal").save(photo, "JPEG", progressive=True)
    assert offer(client, catalog, photo.getvalue(), "photo.jpg").status_code == 302
    assert stored_cover(uploads).exists()


def test_a_scan_bomb_through_the_public_offer_form_gets_a_message_beside_the_field(catalog, client):
    started = time.process_time()
    response = offer(client, catalog, jpeg_scan_bomb(2048, 100_000), "bomb.jpg")
    assert response.status_code == 400
    assert time.process_time() - started < 2
    assert "too many passes" in field_error(response.get_data(as_text=True))


def test_a_picture_of_over_16_megapixels_is_refused_by_default(catalog, client):
    # A cover is kept at 1200 px: decoding 24 MP of RGBA took 2-3 s and 220 MB for it.
    response = offer(client, catalog, png_bomb(4300, 4000))  # 17.2 MP
    assert response.status_code == 400
    assert "at most 16 megapixels" in field_error(response.get_data(as_text=True))


def test_the_limits_read_as_numbers_in_the_readers_language(app):
    from flask_babel import force_locale

    from core.images import _too_large

    with app.test_request_context(), force_locale("uk"):
        message = _too_large("cover").message
    assert "16 мегапікселів" in message and "16.0" not in message, message
