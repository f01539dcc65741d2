"""Pending uploads (core.pending): held per session, never claimable from another one."""

from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile


class _Request:
    def __init__(self):
        self.session = SessionStore()


def test_held_files_come_back_only_in_their_session(db, settings, tmp_path):
    from luzhi.core import pending

    settings.MEDIA_ROOT = tmp_path
    mine, theirs = _Request(), _Request()
    [row] = pending.hold(mine, [SimpleUploadedFile("清单.pdf", b"%PDF-1.4 x")])
    assert row["name"] == "清单.pdf" and row["size"] == 10
    assert pending.describe(theirs, [row["token"]]) == []
    assert pending.take(theirs, [row["token"]]) == []
    [upload] = pending.take(mine, [row["token"]])
    assert upload.name == "清单.pdf" and upload.read() == b"%PDF-1.4 x"
    upload.close()
    pending.release(mine, [row["token"]])
    assert pending.describe(mine, [row["token"]]) == []
    assert not list(tmp_path.rglob("*.pdf"))
