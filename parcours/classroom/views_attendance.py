"""Pages of attendance and signatures, made for a phone in a training room.

- The trainer's attendance sheet of a slot (each registered learner: present, late,
  absent or excused, their signature, their time in the virtual class), the QR code
  page (a new code every 30 seconds, and the trainer's own signature pad), and a pad
  for a learner signing on the trainer's device.
- Signing: on one's own device, by opening a QR code's link, or through a personal link.
  The pad (static/classroom/signature.js) posts the drawing and, when the connection
  drops, tries again and says so; without JavaScript a typed name signs.
- The virtual class: a page that records joining (and leaving, when it is closed) and
  opens the meeting link.

Each view turns input into types, calls one selector or service, and turns the result or
the `DomainError` into a page, a partial or JSON; the rules live in
`classroom.services.attendance`.
"""

import functools

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parcours.accounts.selectors import organisation_for
from parcours.classroom import selectors, signing
from parcours.classroom.forms_attendance import AttendanceForm, SignatureForm
from parcours.classroom.models import AttendanceStatus, Signature, SignatureMethod, Slot
from parcours.classroom.services import attendance as services
from parcours.core.errors import DomainError


def member_page(view):
    """A page inside an organisation for any of its members: anonymous visitors go to the
    sign-in page (and come back), outsiders get a 404. Who may do what is decided by the
    selector or service the view calls (403 for a member who may not)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, org_slug, *args, **kwargs):
        organisation = organisation_for(request.user, org_slug)
        request.organisation = organisation
        return view(request, organisation, *args, **kwargs)

    return wrapper


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _hm(moment) -> str:
    return date_format(timezone.localtime(moment), "H:i")


def _signed_text(signature: Signature) -> str:
    return _("Signed at %(time)s ✓") % {"time": _hm(signature.signed_at)}


def _window(slot: Slot) -> dict:
    return {"opens_at": services.signing_opens_at(slot),
            "closes_at": services.signing_closes_at(slot),
            "is_open": services.signing_is_open(slot)}


# --- The trainer's attendance sheet ---------------------------------------------------------


@member_page
def attendance(request, organisation, slot_id):
    """GET: the sheet. POST: note one learner (htmx answers with their row)."""
    slot = selectors.slot_to_take_attendance(request.user, organisation, slot_id)
    if request.method != "POST":
        return _sheet_page(request, organisation, slot)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        if "learner" in form.errors:
            raise Http404(_("This person is not registered in this session."))
        return _answer_for_row(request, organisation, slot, form.cleaned_data["learner"],
                               error=_("Choose present, late, absent or excused."), form=form)
    learner = selectors.registered_learner(slot, form.cleaned_data["learner"])
    try:
        services.record_attendance(slot, by=request.user, learner=learner,
                                   status=form.cleaned_data["status"],
                                   arrived_at=form.arrival(slot))
    except DomainError as error:
        return _answer_for_row(request, organisation, slot, learner.pk, error=error.message,
                               form=form, status=error.status_code)
    return _answer_for_row(request, organisation, slot, learner.pk,
                           saved=_("%(name)s: %(status)s.") % {
                               "name": learner,
                               "status": AttendanceStatus(form.cleaned_data["status"]).label})


def _answer_for_row(request, organisation, slot, learner_id, *, error=None, saved=None,
                    form=None, status=400):
    """htmx gets the learner's row (errors inside it, with what was typed); a plain form
    gets the sheet again (an error, and what was typed, kept) or goes back to it."""
    posted = {"learner": learner_id, "error": error,
              "arrived_at": request.POST.get("arrived_at", ""),
              "status": request.POST.get("status", "")} if error else None
    if _is_htmx(request):
        sheet = selectors.attendance_sheet(slot, viewer=request.user)
        row = next((r for r in sheet.rows if r.learner.pk == learner_id), None)
        if row is None:
            raise Http404(_("This person is not registered in this session."))
        return render(request, "classroom/attendance/_row.html", {
            **_sheet_context(request, organisation, slot, sheet), "row": row,
            "posted": posted, "saved": saved})
    if error:
        return _sheet_page(request, organisation, slot, posted=posted, status=status)
    messages.success(request, saved)
    return HttpResponseRedirect(
        reverse("classroom:attendance", args=[organisation.slug, slot.pk])
        + f"#learner-{learner_id}")


def _with_links(request, sheet):
    """Each learner's personal signing link (virtual classes), as `row.link`."""
    for row in sheet.rows:
        row.link = (request.build_absolute_uri(services.signing_link(sheet.slot, row.learner))
                    if sheet.virtual else "")
    return sheet


def _sheet_context(request, organisation, slot, sheet) -> dict:
    return {"organisation": organisation, "sheet": _with_links(request, sheet), "slot": slot,
            "session": slot.session, "statuses": AttendanceStatus.choices,
            "window": _window(slot),
            "shows_qr_code": services.may_show_qr_code(request.user, slot.session)}


def _sheet_page(request, organisation, slot, *, posted=None, status=200):
    sheet = selectors.attendance_sheet(slot, viewer=request.user)
    return render(request, "classroom/attendance/sheet.html", {
        **_sheet_context(request, organisation, slot, sheet), "posted": posted,
    }, status=status)


@require_POST
@member_page
def accept_virtual(request, organisation, slot_id, learner_id):
    """The trainer accepts a learner's time in the virtual class as their attendance."""
    slot = selectors.slot_to_take_attendance(request.user, organisation, slot_id)
    learner = selectors.registered_learner(slot, learner_id)
    try:
        services.accept_virtual_attendance(slot, by=request.user, learner=learner)
    except DomainError as error:
        return _answer_for_row(request, organisation, slot, learner.pk, error=error.message,
                               status=error.status_code)
    return _answer_for_row(request, organisation, slot, learner.pk, saved=_(
        "%(name)s: time in the virtual class accepted as attendance.") % {"name": learner})


@require_POST
@member_page
def close_virtual(request, organisation, slot_id):
    """The trainer closes the virtual class: everyone still in it leaves now."""
    slot = selectors.slot_to_take_attendance(request.user, organisation, slot_id)
    closed = services.close_virtual_class(slot, by=request.user)
    messages.success(request, _("Virtual class closed: %(count)s people were still in it.")
                     % {"count": closed})
    return redirect("classroom:attendance", organisation.slug, slot.pk)


# --- The QR code ------------------------------------------------------------------------------


def _qr_code(request, organisation, slot) -> dict:
    now = timezone.now()
    try:
        token = services.qr_code_token(slot, by=request.user, now=now)
    except DomainError as error:
        return {"error": error.message, "seconds_left": signing.seconds_left_in_window(now)}
    url = request.build_absolute_uri(reverse("classroom:sign_qr",
                                             args=[organisation.slug, token]))
    svg = segno.make(url, error="m").svg_inline(
        border=2, omitsize=True, svgclass="qr-code",
        title=_("QR code to sign %(slot)s") % {"slot": slot})
    return {"url": url, "svg": svg, "seconds_left": signing.seconds_left_in_window(now)}


@never_cache
@member_page
def attendance_qr(request, organisation, slot_id):
    """The code learners scan (a new one every 30 seconds) and the trainer's own pad."""
    slot = selectors.slot_to_show_qr_code(request.user, organisation, slot_id)
    return render(request, "classroom/attendance/qr.html", {
        "organisation": organisation, "slot": slot, "session": slot.session,
        "code": _qr_code(request, organisation, slot), "window": _window(slot),
        "signature": selectors.own_signature(slot, request.user),
        "form": SignatureForm(),
        "sign_url": reverse("classroom:sign_slot", args=[organisation.slug, slot.pk]),
    })


@never_cache
@member_page
def attendance_qr_code(request, organisation, slot_id):
    """The code alone, fetched by the QR page every 30 seconds."""
    slot = selectors.slot_to_show_qr_code(request.user, organisation, slot_id)
    return render(request, "classroom/attendance/_qr_code.html", {
        "organisation": organisation, "slot": slot,
        "code": _qr_code(request, organisation, slot)})


# --- Signing ------------------------------------------------------------------------------------


def _signing_page(request, organisation, slot, *, signer, sign, title, intro="",
                  ticket="", error=None, done_url=None, status=200):
    """The signature pad for `signer` in `slot`, or what they signed. `sign(form)` signs
    (calls a service) and returns the signature.

    A retried post (the first one saved, its answer lost with the connection) meets
    `AlreadySigned`: it is answered as saved, with the signature already there.
    """
    signature = selectors.own_signature(slot, signer)
    form = SignatureForm(initial={"ticket": ticket})
    if request.method == "POST" and error is None:
        if signature is None:
            form = SignatureForm(request.POST)
            error, signature = _signed_with(form, sign, slot, signer)
        if _wants_json(request):
            if error is not None:
                return JsonResponse({"saved": False, "detail": str(error.message)},
                                    status=error.status_code)
            return JsonResponse({"saved": True, "signed_at": signature.signed_at.isoformat(),
                                 "time": _hm(signature.signed_at),
                                 "message": _signed_text(signature)})
        if error is None:
            messages.success(request, _signed_text(signature))
            return HttpResponseRedirect(done_url or request.get_full_path())
        status = error.status_code
    elif error is not None:
        status = error.status_code
    window = _window(slot)
    # The pad again after a drawing that did not do; not after a refused code or link.
    show_pad = (signature is None and window["is_open"] and (sign is not None or ticket)
                and (error is None or isinstance(error, services.SignatureImageInvalid)))
    return render(request, "classroom/attendance/sign.html", {
        "organisation": organisation, "slot": slot, "session": slot.session,
        "signer": signer, "signature": signature, "signed_text": (
            _signed_text(signature) if signature else ""),
        "form": form, "error": error.message if error is not None else "",
        "show_pad": show_pad, "title": title, "intro": intro, "window": window,
        "done_url": done_url,
    }, status=status)


def _signed_with(form, sign, slot, signer) -> tuple[DomainError | None, Signature | None]:
    if not form.is_valid():
        return services.SignatureImageInvalid(" ".join(form.non_field_errors()) or _(
            "Draw your signature or type your name.")), None
    try:
        return None, sign(form)
    except services.AlreadySigned as already:
        signature = selectors.own_signature(slot, signer)
        return (already if signature is None else None), signature
    except DomainError as refused:
        return refused, None


def _device(request, form, **extra) -> dict:
    return signing.device_of(request, interface="web", input_kind=form.input_kind(), **extra)


@member_page
def sign_slot(request, organisation, slot_id):
    """Sign a slot on one's own device (learners of the session and its trainers)."""
    slot = selectors.slot_to_sign(request.user, organisation, slot_id)

    def sign(form):
        return services.sign_slot(slot, by=request.user, method=SignatureMethod.DRAWN,
                                  image=form.signature_image(), device=_device(request, form))

    return _signing_page(request, organisation, slot, signer=request.user, sign=sign,
                         title=_("Sign your attendance"))


@member_page
def sign_on_trainer_device(request, organisation, slot_id, learner_id):
    """A learner signs on the trainer's phone, handed to them."""
    slot = selectors.slot_to_show_qr_code(request.user, organisation, slot_id)
    learner = selectors.registered_learner(slot, learner_id)

    def sign(form):
        return services.sign_on_trainer_device(slot, by=request.user, learner=learner,
                                               image=form.signature_image(),
                                               device=_device(request, form))

    return _signing_page(
        request, organisation, slot, signer=learner, sign=sign,
        title=_("%(name)s signs") % {"name": learner},
        intro=_("Hand your phone to %(name)s: they draw their signature below.")
        % {"name": learner},
        done_url=reverse("classroom:attendance", args=[organisation.slug, slot.pk])
        + f"#learner-{learner.pk}")


@never_cache
@member_page
def sign_qr(request, organisation, token):
    """Where a QR code leads: the learner signs in (and comes back), sees the session and
    draws their signature; the page carries a ticket for them, so the 30-second code can
    change while they draw."""
    slot_id = signing.slot_of_qr_token(token)
    if slot_id is None:
        return _refused(request, organisation, services.QrCodeInvalid())
    slot = selectors.slot_in(organisation, slot_id)
    title = _("Sign your attendance")
    if selectors.own_signature(slot, request.user) is not None:
        return _signing_page(request, organisation, slot, signer=request.user,
                             sign=None, title=title)
    if request.method == "POST":
        def sign(form):
            return services.sign_with_qr_code(form.cleaned_data["ticket"] or token,
                                              by=request.user, image=form.signature_image(),
                                              device=_device(request, form))

        return _signing_page(request, organisation, slot, signer=request.user, sign=sign,
                             title=title)
    try:
        scanned = services.scan_qr_code(token, by=request.user)
    except DomainError as error:
        return _signing_page(request, organisation, slot, signer=request.user, sign=None,
                             title=title, error=error)
    return _signing_page(request, organisation, slot, signer=request.user, sign=None,
                         title=title, ticket=scanned.ticket)


@never_cache
@member_page
def sign_link(request, organisation, token):
    """A learner's personal signing link (virtual classes): theirs only."""
    try:
        slot = services.slot_of_link(token, by=request.user)
    except DomainError as error:
        return _refused(request, organisation, error)
    if slot.session.organisation_id != organisation.pk:
        raise Http404(_("No such slot."))

    def sign(form):
        return services.sign_with_link(token, by=request.user, image=form.signature_image(),
                                       device=_device(request, form))

    return _signing_page(request, organisation, slot, signer=request.user, sign=sign,
                         title=_("Sign your attendance"))


def _refused(request, organisation, error: DomainError):
    if _wants_json(request):
        return JsonResponse({"saved": False, "detail": str(error.message)},
                            status=error.status_code)
    return render(request, "classroom/attendance/refused.html", {
        "organisation": organisation, "error": error.message}, status=error.status_code)


# --- The virtual class -------------------------------------------------------------------------


@member_page
def join_virtual(request, organisation, slot_id):
    """GET: the join page, kept open during the class (closing it records leaving).
    POST: records the visit and sends the person to the meeting link."""
    slot = selectors.slot_to_sign(request.user, organisation, slot_id)
    error = None
    if request.method == "POST":
        try:
            _visit, url = services.join_virtual_class(slot, by=request.user)
        except DomainError as refused:
            error = refused
        else:
            return HttpResponseRedirect(url)
    return render(request, "classroom/attendance/join.html", {
        "organisation": organisation, "slot": slot, "session": slot.session,
        "window": _window(slot), "error": error.message if error else "",
        "signature": selectors.own_signature(slot, request.user),
    }, status=error.status_code if error else 200)


@require_POST
@member_page
def leave_virtual(request, organisation, slot_id):
    """The join page was closed (a beacon), or the person said they left."""
    slot = selectors.slot_to_sign(request.user, organisation, slot_id)
    services.leave_virtual_class(slot, by=request.user)
    if _wants_json(request) or request.POST.get("beacon"):
        return HttpResponse(status=204)
    messages.success(request, _("You left the virtual class at %(time)s.")
                     % {"time": _hm(timezone.now())})
    return redirect("classroom:join_virtual", organisation.slug, slot.pk)
