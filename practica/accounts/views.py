from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from practica.accounts.forms import LoginForm, TokenForm
from practica.accounts.models import User
from practica.accounts.services import (
    check_credentials,
    confirm_device,
    confirmed_device,
    get_pending_user,
    pending_device,
    record_login,
)
from practica.tenancy.access import public_view

PENDING_KEY = "practica.pending_user"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@public_view
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = check_credentials(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if result.user is not None:
            if confirmed_device(result.user) is not None:
                request.session[PENDING_KEY] = result.user.pk
                request.session["practica.next"] = _next_url(request)
                return redirect("accounts:mfa-verify")
            login(request, result.user)
            record_login(request=request, user=result.user)
            return redirect(_next_url(request))
        error = result.error
    context = {
        "form": form,
        "error": error,
        "next": _next_url(request),
        "idle": request.GET.get("idle") == "1",
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/login.html", context, status=status)


@public_view
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = get_pending_user(request.session.get(PENDING_KEY))
    if user is None:
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = confirmed_device(user)
        if device is not None and device.verify_token(form.cleaned_data["token"]):
            next_url = request.session.get("practica.next", "/")
            login(request, user)
            otp_login(request, device)
            record_login(request=request, user=user)
            return redirect(next_url)
        form.add_error("token", "That code is not valid. Check your app and try again.")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=status)


@public_view
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    assert isinstance(user, User)
    device = pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_device(user=user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect("core:home")
        form.add_error("token", "That code is not valid. Check your app and try again.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    # The SVG comes from our own QR encoder, not from user input.
    svg = mark_safe(buffer.getvalue().decode())
    context = {"form": form, "qr_svg": svg, "secret_url": device.config_url}
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/mfa_setup.html", context, status=status)


@public_view
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
