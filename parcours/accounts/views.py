from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.accounts import services
from parcours.accounts.forms import JoinForm, LoginForm, ProfileForm, QueuedPasswordResetForm
from parcours.accounts.models import User
from parcours.accounts.selectors import invitation_from_token
from parcours.core.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_login(form.get_user())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The page an invitation link opens: join as a new person, or accept when signed in."""
    try:
        invitation = invitation_from_token(token)
    except DomainError as error:
        return render(request, "accounts/invitation_invalid.html",
                      {"message": error.message}, status=error.status_code)

    context = {"invitation": invitation, "organisation": invitation.organisation}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return render(request, "accounts/invitation_accept.html", context, status=400)
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation})
            return redirect("web:organisation_home", invitation.organisation.slug)
        return render(request, "accounts/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("accounts:login") + "?next=" + request.path
        return render(request, "accounts/invitation_sign_in.html",
                      {**context, "login_url": login_url})

    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                user = services.join_with_invitation(
                    invitation,
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password1"],
                    locale=form.cleaned_data["locale"],
                    time_zone=form.cleaned_data["time_zone"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                # The password validators speak field-less; the model speaks per field.
                form.add_error(None if hasattr(error, "error_dict") else "password1", error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome to %(name)s.")
                                 % {"name": invitation.organisation})
                return redirect("web:organisation_home", invitation.organisation.slug)
    else:
        form = JoinForm(initial={
            "locale": get_language() if get_language() in ("fr", "en") else invitation.locale,
            "time_zone": invitation.organisation.time_zone,
        })
    return render(request, "accounts/invitation_join.html", {**context, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm.for_user(request.user, data=request.POST)
        if form.is_valid():
            services.update_profile(request.user, by=request.user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm.for_user(request.user)
    return render(request, "accounts/profile.html", {"form": form})
