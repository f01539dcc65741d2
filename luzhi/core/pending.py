"""Pending uploads: files chosen on a form that failed validation are kept, not lost.

A browser cannot refill a file input, so when a form comes back with errors the
files the user chose would have to be chosen again. Instead the view *holds*
them: each file is written under ``pending/`` in the default storage and a
random token is remembered in the user's session (so nobody else can claim
it). The form lists the held files with a checkbox per token (ticked: keep);
on the next post the view *takes* the ticked ones back as file objects and
passes them to the service with any newly chosen files, then *releases* them.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

SESSION_KEY = "luzhi_pending_uploads"
MAX_HELD = 20  # per session: a form re-posted many times does not pile files up


def _held(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def hold(request, uploads) -> list[dict]:
    """Store ``uploads`` and return ``[{"token", "name", "size"}]`` to list on the form."""
    held = dict(_held(request))
    rows = []
    for upload in uploads:
        if len(held) >= MAX_HELD:
            break
        token = secrets.token_urlsafe(12)
        name = PurePath(upload.name or "file").name
        upload.seek(0)
        path = default_storage.save(f"pending/{token}/{name}", upload)
        upload.seek(0)
        held[token] = {"path": path, "name": name, "size": upload.size}
        rows.append({"token": token, "name": name, "size": upload.size})
    request.session[SESSION_KEY] = held
    return rows


def describe(request, tokens) -> list[dict]:
    """The held files among ``tokens`` (unknown tokens are ignored)."""
    held = _held(request)
    return [
        {"token": t, "name": held[t]["name"], "size": held[t]["size"]} for t in tokens if t in held
    ]


def take(request, tokens) -> list[File]:
    """The held files among ``tokens`` as open file objects named as the user chose them."""
    held = _held(request)
    files = []
    for token in tokens:
        entry = held.get(token)
        if entry is None or not default_storage.exists(entry["path"]):
            continue
        handle = default_storage.open(entry["path"], "rb")
        files.append(File(handle, name=entry["name"]))
    return files


def release(request, tokens=None) -> None:
    """Forget and delete the held files among ``tokens`` (all of them when None)."""
    held = dict(_held(request))
    for token in list(held if tokens is None else tokens):
        entry = held.pop(token, None)
        if entry is not None:
            default_storage.delete(entry["path"])
    request.session[SESSION_KEY] = held


class Held:
    """The held files of one post, for a view: which the user kept ticked (``rows``), them as
    file objects for the service (:meth:`files`), forgetting them once saved (:meth:`release`),
    and holding the newly chosen good files when the post failed (:meth:`keep`).

    A view does::

        held = pending.Held(request)
        form.pending_files = held.rows
        ... service(files=[*held.files(), *form.cleaned_data["files"]]) ... held.release()
        # failed: form.pending_files = held.keep(request.FILES.getlist("files"), check)
    """

    def __init__(self, request):
        self.request = request
        posted = request.POST.getlist("pending") if request.method == "POST" else []
        self.rows = describe(request, posted)
        self.tokens = [row["token"] for row in self.rows]

    def files(self) -> list[File]:
        return take(self.request, self.tokens)

    def release(self) -> None:
        release(self.request, self.tokens)

    def keep(self, uploads, check=None) -> list[dict]:
        """Hold the uploads that pass ``check`` (a function raising on a bad file); return every
        held row to list on the form again."""
        good = [upload for upload in uploads if check is None or _passes(check, upload)]
        return self.rows + hold(self.request, good)


def _passes(check, upload) -> bool:
    """Whether ``check`` accepts ``upload`` (a refused file is named by the form, not held)."""
    try:
        check(upload)
    except ValidationError:
        return False
    return True
