"""A ZIP archive written as it is sent (the standard library's zipfile over a write-only buffer):
never built whole in memory, whatever the number of files.

zipfile handles an unseekable output itself (sizes and CRC after each file's data, in a data
descriptor); each chunk it writes is handed to the response as soon as it is written."""

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

CHUNK = 64 * 1024


class _Pipe(io.RawIOBase):
    """Write-only and unseekable: zipfile keeps the offsets itself."""

    def __init__(self):
        self._chunks = []

    def writable(self):
        return True

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


# One member: its name in the archive, its date, and a callable that opens its content (a binary
# file object), called only when the member's turn comes.
Member = tuple[str, datetime, Callable]


def stream_zip(members: Iterable[Member]) -> Iterator[bytes]:
    """The bytes of a ZIP archive of `members`, chunk by chunk (at most about CHUNK at a time
    beyond one member's compressed chunk)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, when, opener in members:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with opener() as source, archive.open(info, mode="w") as target:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    target.write(chunk)
                    if data := pipe.drain():
                        yield data
            if data := pipe.drain():
                yield data
    yield pipe.drain()
