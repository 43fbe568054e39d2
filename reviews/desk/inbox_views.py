"""The desk's inbox: the notifications the workflow left for the signed-in person, paged,
marked read one by one or all at once; and their choice of which also come by mail."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.selectors import is_staff_member
from reviews.desk import once
from reviews.desk.lists import ListForm, paginate
from reviews.desk.views import desk_required
from reviews.inbox import services as inbox_services
from reviews.inbox.models import MailPreference
from reviews.inbox.selectors import inbox as inbox_rows
from reviews.inbox.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """A template context processor: the header's unread count, counted only when a page
    draws it (one query), and only for people of the desk."""
    user = getattr(request, "user", None)
    if not is_staff_member(user):
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}


class InboxForm(ListForm):
    unread = forms.BooleanField(label="Unread only", required=False)


class MailForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for kind in MailPreference.KINDS:
            self.fields[kind] = forms.BooleanField(
                label=MailPreference._meta.get_field(kind).verbose_name, required=False
            )


def _back(request: HttpRequest) -> str:
    """The inbox page the form was sent from (its query kept), never another site."""
    query = request.POST.get("query", "")
    return reverse("desk-inbox") + (f"?{query}" if query and "//" not in query else "")


@require_GET
@desk_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first, a page at a time (unread ones marked)."""
    form = InboxForm(request.GET)
    form.is_valid()
    paged = paginate(inbox_rows(request.user, unread_only=bool(form.value("unread"))), form)
    return render(
        request,
        "reviews/inbox.html",
        {"form": form, "paged": paged, "rows": paged.rows, "query": request.GET.urlencode()},
    )


@require_POST
@desk_required
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (`notification`), or all of mine (`all`)."""
    try:
        once.spend(request.POST.get(once.FIELD), user=request.user, purpose="inbox-read")
    except once.AlreadySent as sent:
        messages.info(request, sent.message)
        return redirect(_back(request))
    except once.TokenRefused as refused:
        messages.error(request, refused.message)
        return redirect(_back(request))
    if request.POST.get("all"):
        ids = None
    else:
        ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
        if not ids:
            messages.error(request, "Choose a notification to mark read.")
            return redirect(_back(request))
    done = inbox_services.mark_read(user=request.user, notification_ids=ids)
    messages.success(request, f"Marked read: {done}." if done else "Nothing was unread.")
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
@desk_required
def mail_settings(request: HttpRequest) -> HttpResponse:
    """Which notifications also come by mail."""
    current = inbox_services.mail_preference(request.user)
    if request.method == "POST":
        form = MailForm(request.POST)
        if form.is_valid():
            try:
                once.spend(request.POST.get(once.FIELD), user=request.user, purpose="mail")
            except once.AlreadySent as sent:
                messages.info(request, sent.message)
                return redirect("desk-mail-settings")
            except once.TokenRefused as refused:
                messages.error(request, refused.message)
                return render(request, "reviews/mail_settings.html", {"form": form}, status=400)
            kinds = {kind for kind in MailPreference.KINDS if form.cleaned_data[kind]}
            inbox_services.set_mail_preferences(user=request.user, kinds=kinds)
            messages.success(request, "Your mail settings are saved.")
            return redirect("desk-mail-settings")
    else:
        form = MailForm(initial={kind: current.wants(kind) for kind in MailPreference.KINDS})
    return render(
        request,
        "reviews/mail_settings.html",
        {"form": form, "email": request.user.email},
    )
