"""Pages for quizzes and flashcards: authoring, taking a quiz, its results, daily reviews.

Views turn the request into service arguments and the result, or the DomainError, into a
page. Forms that fail keep what was typed and answer 400.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Organisation
from parcours.assessments import selectors, services
from parcours.assessments.forms import (
    WITH_CHOICES,
    AttemptForm,
    BankForm,
    CardForm,
    DeckForm,
    PasteCardsForm,
    QuestionForm,
    QuizForm,
    RatingForm,
    choice_formset,
)
from parcours.assessments.marking import InvalidPattern
from parcours.assessments.models import Attempt, CardReview, QuestionKind
from parcours.core.errors import DomainError
from parcours.core.roles import Permission, roles_allow
from parcours.journeys.selectors import own_path_step
from parcours.web.decorators import organisation_page


def _status(*forms) -> int:
    return 400 if any(form is not None and form.errors for form in forms) else 200


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def path_link(organisation: Organisation, path_step_id: int | None) -> str | None:
    """Where "back to my path" goes: the step if journeys has its page, else the path."""
    candidates = []
    if path_step_id is not None:
        candidates.append(("journeys:step", [organisation.slug, path_step_id]))
    candidates += [("journeys:dashboard", [organisation.slug]),
                   ("journeys:dashboard", [organisation.slug])]
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def _step_id(source) -> int | None:
    value = source.get("step") or source.get("path_step") or ""
    return int(value) if str(value).isdigit() else None


# Question banks


@organisation_page(Permission.MANAGE_CATALOG)
def bank_list(request, organisation):
    form = BankForm(_posted(request))
    if form.is_bound and form.is_valid():
        bank = services.create_bank(organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("Question bank created. Add its questions."))
        return redirect("assessments:bank_detail", organisation.slug, bank.pk)
    return render(request, "assessments/bank_list.html", {
        "organisation": organisation, "form": form,
        "banks": selectors.banks_for_author(request.user, organisation),
    }, status=_status(form))


@organisation_page(Permission.MANAGE_CATALOG)
def bank_detail(request, organisation, bank_id):
    bank = selectors.bank_for_author(request.user, organisation, bank_id)
    form = BankForm(_posted(request), initial={"title": bank.title})
    if form.is_bound and form.is_valid():
        services.rename_bank(bank, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("assessments:bank_detail", organisation.slug, bank.pk)
    return render(request, "assessments/bank_detail.html", {
        "organisation": organisation, "bank": bank, "form": form,
        "questions": selectors.questions_of(bank), "kinds": QuestionKind.choices,
    }, status=_status(form))


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def bank_delete(request, organisation, bank_id):
    bank = selectors.bank_for_author(request.user, organisation, bank_id)
    try:
        services.delete_bank(bank, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("assessments:bank_detail", organisation.slug, bank.pk)
    messages.success(request, _("The question bank “%(title)s” is deleted.")
                     % {"title": bank.title})
    return redirect("assessments:bank_list", organisation.slug)


def _question_page(request, organisation, bank, kind, question=None):
    data = _posted(request)
    form = QuestionForm(data, kind=kind, question=question)
    formset = choice_formset(question, kind, data) if kind in WITH_CHOICES else None
    if form.is_bound and form.is_valid() and (formset is None or formset.is_valid()):
        arguments = form.service_arguments(formset)
        try:
            if question is None:
                services.add_question(bank, by=request.user, kind=kind, **arguments)
            else:
                services.update_question(question, by=request.user, **arguments)
        except InvalidPattern as refused:
            form.add_error("accepted_answers", refused.message)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Question saved."))
            return redirect("assessments:bank_detail", organisation.slug, bank.pk)
    return render(request, "assessments/question_form.html", {
        "organisation": organisation, "bank": bank, "question": question, "form": form,
        "formset": formset, "kind": kind, "kind_label": QuestionKind(kind).label,
    }, status=_status(form, formset))


@organisation_page(Permission.MANAGE_CATALOG)
def question_add(request, organisation, bank_id, kind):
    bank = selectors.bank_for_author(request.user, organisation, bank_id)
    if kind not in QuestionKind.values:
        raise Http404(_("No such kind of question."))
    return _question_page(request, organisation, bank, kind)


@organisation_page(Permission.MANAGE_CATALOG)
def question_edit(request, organisation, question_id):
    question = selectors.question_for_author(request.user, organisation, question_id)
    return _question_page(request, organisation, question.bank, question.kind, question)


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def question_delete(request, organisation, question_id):
    question = selectors.question_for_author(request.user, organisation, question_id)
    services.delete_question(question, by=request.user)
    messages.success(request, _("Question deleted."))
    return redirect("assessments:bank_detail", organisation.slug, question.bank_id)


# Quizzes: authoring


def _save_quiz(request, form, save) -> bool:
    try:
        save(**form.service_arguments())
    except DomainError as refused:
        form.add_error(None, refused.message)
        return False
    return True


@organisation_page(Permission.MANAGE_CATALOG)
def quiz_list(request, organisation):
    form = QuizForm(_posted(request), organisation=organisation)
    if form.is_bound and form.is_valid():
        def create(**arguments):
            services.create_quiz(organisation, by=request.user, **arguments)
        if _save_quiz(request, form, create):
            messages.success(request, _("Quiz created."))
            return redirect("assessments:quiz_list", organisation.slug)
    return render(request, "assessments/quiz_list.html", {
        "organisation": organisation, "form": form,
        "quizzes": selectors.quizzes_for_author(request.user, organisation),
    }, status=_status(form))


@organisation_page(Permission.MANAGE_CATALOG)
def quiz_edit(request, organisation, quiz_id):
    quiz = selectors.quiz_for_author(request.user, organisation, quiz_id)
    form = QuizForm(_posted(request), organisation=organisation,
                    initial=QuizForm.initial_for(quiz))
    if form.is_bound and form.is_valid():
        def update(**arguments):
            services.update_quiz(quiz, by=request.user, **arguments)
        if _save_quiz(request, form, update):
            messages.success(request, _("Quiz saved."))
            return redirect("assessments:quiz_list", organisation.slug)
    return render(request, "assessments/quiz_form.html", {
        "organisation": organisation, "quiz": quiz, "form": form,
    }, status=_status(form))


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def quiz_delete(request, organisation, quiz_id):
    quiz = selectors.quiz_for_author(request.user, organisation, quiz_id)
    try:
        services.delete_quiz(quiz, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("assessments:quiz_edit", organisation.slug, quiz.pk)
    messages.success(request, _("The quiz “%(title)s” is deleted.") % {"title": quiz.title})
    return redirect("assessments:quiz_list", organisation.slug)


# Quizzes: taking them


@organisation_page(Permission.BROWSE_CATALOG)
def quiz_detail(request, organisation, quiz_id):
    quiz = selectors.quiz_for(request.user, organisation, quiz_id)
    can_take = roles_allow(request.roles, Permission.FOLLOW_OWN_PATH)
    attempts = selectors.attempts_of(request.user, quiz) if can_take else []
    step_id = _step_id(request.GET)
    in_bank = quiz.bank.questions.count()
    return render(request, "assessments/quiz_detail.html", {
        "organisation": organisation, "quiz": quiz, "can_take": can_take,
        "attempts": attempts, "attempts_left": selectors.attempts_left(request.user, quiz),
        "in_progress": next((a for a in attempts if a.submitted_at is None), None),
        "question_count": min(quiz.draw_count or in_bank, in_bank),
        "time_limit_minutes": -(-quiz.time_limit_seconds // 60) if quiz.time_limit_seconds
        else None,
        "step_id": step_id, "path_link": path_link(organisation, step_id) if step_id else None,
    })


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def quiz_start(request, organisation, quiz_id):
    quiz = selectors.quiz_for(request.user, organisation, quiz_id)
    step_id = _step_id(request.POST)
    path_step = own_path_step(request.user, organisation, step_id) if step_id else None
    try:
        attempt = services.start_attempt(quiz, by=request.user, path_step=path_step)
    except DomainError as refused:
        messages.error(request, refused.message)
        url = reverse("assessments:quiz_detail", args=[organisation.slug, quiz.pk])
        return redirect(f"{url}?{urlencode({'step': step_id})}" if step_id else url)
    return redirect("assessments:attempt_take", organisation.slug, attempt.pk)


def _seconds_left(attempt: Attempt) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))


def _take_page(request, organisation, attempt, form, status=200):
    seconds_left = _seconds_left(attempt)
    return render(request, "assessments/attempt_take.html", {
        "organisation": organisation, "attempt": attempt, "quiz": attempt.quiz, "form": form,
        "blocks": form.bound_blocks(), "seconds_left": seconds_left,
        "time_is_up": services.time_is_up(attempt),
        "path_link": path_link(organisation, attempt.path_step_id),
    }, status=status)


@organisation_page(Permission.FOLLOW_OWN_PATH)
def attempt_take(request, organisation, attempt_id):
    attempt = selectors.own_attempt(request.user, organisation, attempt_id)
    if attempt.submitted_at is not None:
        return redirect("assessments:attempt_results", organisation.slug, attempt.pk)
    return _take_page(request, organisation, attempt,
                      AttemptForm(selectors.attempt_sheet(attempt)))


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def attempt_save(request, organisation, attempt_id):
    """Keep the answers so far: htmx autosave (a status line) or the "save" button."""
    attempt = selectors.own_attempt(request.user, organisation, attempt_id)
    is_htmx = bool(request.headers.get("HX-Request"))
    if attempt.submitted_at is not None:
        return redirect("assessments:attempt_results", organisation.slug, attempt.pk)
    form = AttemptForm(selectors.attempt_sheet(attempt), request.POST)
    error = None
    if form.is_valid():
        try:
            services.save_answers(attempt, by=request.user, responses=form.responses())
        except DomainError as refused:
            error = refused.message
    else:
        error = _("Not saved: check the answers marked in red when you send.")
    if is_htmx:
        return render(request, "assessments/_autosave_status.html", {
            "error": error, "saved_at": timezone.now()})
    if error is None:
        messages.success(request, _("Your answers are saved. Come back to finish before "
                                    "sending."))
        return redirect("assessments:attempt_take", organisation.slug, attempt.pk)
    if form.is_valid():
        form.add_error(None, error)
    return _take_page(request, organisation, attempt, form, status=400)


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def attempt_submit(request, organisation, attempt_id):
    attempt = selectors.own_attempt(request.user, organisation, attempt_id)
    if attempt.submitted_at is not None:
        messages.info(request, _("This attempt was already sent: here are its results."))
        return redirect("assessments:attempt_results", organisation.slug, attempt.pk)
    form = AttemptForm(selectors.attempt_sheet(attempt), request.POST)
    time_is_up = services.time_is_up(attempt)
    if time_is_up or form.is_valid():
        # Once time is up the server ignores what arrives: only saved answers count.
        responses = None if time_is_up else form.responses()
        try:
            services.submit_attempt(attempt, by=request.user, responses=responses)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("assessments:attempt_results", organisation.slug, attempt.pk)
    return _take_page(request, organisation, attempt, form, status=400)


@organisation_page(Permission.BROWSE_CATALOG)
def attempt_results(request, organisation, attempt_id):
    attempt = selectors.attempt_for(request.user, organisation, attempt_id)
    is_own = attempt.learner_id == request.user.pk
    if attempt.submitted_at is None and is_own:
        return redirect("assessments:attempt_take", organisation.slug, attempt.pk)
    attempts_left = selectors.attempts_left(attempt.learner, attempt.quiz)
    return render(request, "assessments/attempt_results.html", {
        "organisation": organisation, "attempt": attempt, "quiz": attempt.quiz,
        "is_own": is_own,
        "sheet": selectors.attempt_sheet(attempt) if attempt.submitted_at else [],
        "can_retake": is_own and attempts_left != 0, "attempts_left": attempts_left,
        "path_link": path_link(organisation, attempt.path_step_id) if is_own else None,
    })


# Flashcard decks: authoring


@organisation_page(Permission.MANAGE_CATALOG)
def deck_list(request, organisation):
    form = DeckForm(_posted(request))
    if form.is_bound and form.is_valid():
        deck = services.create_deck(organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("Deck created. Add its cards."))
        return redirect("assessments:deck_detail", organisation.slug, deck.pk)
    return render(request, "assessments/deck_list.html", {
        "organisation": organisation, "form": form,
        "decks": selectors.decks_for_author(request.user, organisation),
    }, status=_status(form))


@organisation_page(Permission.MANAGE_CATALOG)
def deck_detail(request, organisation, deck_id):
    """The deck's cards, with three forms: rename, add one card, paste many."""
    deck = selectors.deck_for_author(request.user, organisation, deck_id)
    action = request.POST.get("action") if request.method == "POST" else None
    deck_form = DeckForm(request.POST if action == "rename" else None,
                         initial={"title": deck.title, "language": deck.language},
                         prefix="deck")
    card_form = CardForm(request.POST if action == "add" else None, prefix="card")
    paste_form = PasteCardsForm(request.POST if action == "paste" else None, prefix="paste")
    writes = {
        "rename": (deck_form, lambda data: services.update_deck(deck, by=request.user, **data),
                   _("Saved.")),
        "add": (card_form, lambda data: services.add_card(deck, by=request.user, **data),
                _("Card added.")),
        "paste": (paste_form,
                  lambda data: services.add_cards_from_text(deck, by=request.user, **data),
                  _("Cards added.")),
    }
    if action in writes:
        form, write, done = writes[action]
        if form.is_valid():
            try:
                write(form.cleaned_data)
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, done)
                return redirect("assessments:deck_detail", organisation.slug, deck.pk)
    return render(request, "assessments/deck_detail.html", {
        "organisation": organisation, "deck": deck, "cards": list(deck.cards.all()),
        "deck_form": deck_form, "card_form": card_form, "paste_form": paste_form,
    }, status=_status(deck_form, card_form, paste_form))


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def deck_delete(request, organisation, deck_id):
    deck = selectors.deck_for_author(request.user, organisation, deck_id)
    try:
        services.delete_deck(deck, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("assessments:deck_detail", organisation.slug, deck.pk)
    messages.success(request, _("The deck “%(title)s” is deleted.") % {"title": deck.title})
    return redirect("assessments:deck_list", organisation.slug)


@organisation_page(Permission.MANAGE_CATALOG)
def card_edit(request, organisation, card_id):
    card = selectors.card_for_author(request.user, organisation, card_id)
    form = CardForm(_posted(request), initial={"front": card.front, "back": card.back})
    if form.is_bound and form.is_valid():
        try:
            services.update_card(card, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Card saved."))
            return redirect("assessments:deck_detail", organisation.slug, card.deck_id)
    return render(request, "assessments/card_form.html", {
        "organisation": organisation, "card": card, "deck": card.deck, "form": form,
    }, status=_status(form))


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def card_delete(request, organisation, card_id):
    card = selectors.card_for_author(request.user, organisation, card_id)
    services.delete_card(card, by=request.user)
    messages.success(request, _("Card deleted."))
    return redirect("assessments:deck_detail", organisation.slug, card.deck_id)


# Daily reviews


def _reviews_url(organisation: Organisation, step_id: int | None) -> str:
    url = reverse("assessments:reviews", args=[organisation.slug])
    return f"{url}?{urlencode({'step': step_id})}" if step_id else url


@organisation_page(Permission.FOLLOW_OWN_PATH)
def reviews(request, organisation):
    """Today's cards, one at a time: the front, then (?reveal=<card>) the back and the
    four ratings. Works without JavaScript."""
    now = timezone.now()
    step_id = _step_id(request.GET)
    step = own_path_step(request.user, organisation, step_id) if step_id else None
    if step is not None and step.deck_id is None:
        raise Http404(_("This step has no flashcards."))
    queue = selectors.review_queue(request.user, organisation, now=now,
                                   deck=step.deck if step else None)
    current = queue[0] if queue else None
    revealed = current is not None and request.GET.get("reveal") == str(current.card_id)
    return render(request, "assessments/reviews.html", {
        "organisation": organisation, "queue_length": len(queue), "memory": current,
        "card": current.card if current else None, "revealed": revealed, "step": step,
        "ratings": CardReview.Rating.choices,
        "reveal_url": (f"{_reviews_url(organisation, step_id)}"
                       f"{'&' if step_id else '?'}reveal={current.card_id}") if current else "",
        "next_review_at": (None if current else
                           selectors.next_review_at(request.user, organisation, now=now)),
        "path_link": path_link(organisation, step_id) if step_id else None,
    })


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def card_review(request, organisation, card_id):
    card = selectors.card_for_review(request.user, organisation, card_id)
    step_id = _step_id(request.POST)
    path_step = own_path_step(request.user, organisation, step_id) if step_id else None
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how well you knew the card: again, hard, good or "
                                  "easy."))
        return redirect(_reviews_url(organisation, step_id))
    try:
        services.review_card(card, by=request.user, rating=form.cleaned_data["rating"],
                             path_step=path_step)
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect(_reviews_url(organisation, step_id))

