"""Files handed to one person (reports, attendance sheets, coaching records)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def private_download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """The file as an attachment. Such files hold personal data (signatures, hours,
    coaching records): no shared cache may keep a copy."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
