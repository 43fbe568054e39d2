"""What the reviews admins share: a refusal raised by the locked write becomes a message.

The admin parses input and calls reviews.services; it never sets a status or writes
evidence or verdicts itself. A refusal is a form error or a message, never a 500: form
`clean` runs the service's own checks, and the rare refusal that only the locked write
can see (someone acted in between) is caught around the change view, which rolls the
request's transaction back and shows the service's message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from reviews import services


class RefusalAsMessageMixin:
    """Turn a refusal raised by the locked write into a message and a redirect.

    The change view runs in a transaction; the exception leaves it, so nothing the request
    wrote stays.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except services.WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def form_error(error: services.WorkflowError) -> ValidationError:
    return ValidationError(error.message, code=error.code)
