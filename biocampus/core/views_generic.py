"""Generic list, detail and form views shared by every app (in the spirit of NetBox's generic views).

Each app's views.py subclasses these with a selector (what the user may read), a form and a service
(how to write). Permission questions go to accounts.permissions, never answered here by hand.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from biocampus.accounts import permissions
from biocampus.core.history import history_for


@dataclass
class Column:
    """One column of a list page: a heading and how to get the cell from a record."""

    label: str
    accessor: str | Any  # dotted attribute path or a callable(record)
    link: bool = False

    def value(self, record):
        if callable(self.accessor):
            return self.accessor(record)
        value = record
        for part in self.accessor.split("."):
            value = getattr(value, part, None)
            if callable(value):
                value = value()
            if value is None:
                return ""
        return value


class HtmxTemplateMixin:
    """One view serves the full page and, for htmx requests, only the partial that changes."""

    partial_template_name: str | None = None

    def get_template_names(self):
        if self.partial_template_name and getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return super().get_template_names()


COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Pages by number without counting the whole table: a page reads per_page + 1 rows to know whether
    another follows, and `count` stops at COUNT_CAP + 1 (SELECT COUNT(*) FROM (... LIMIT 1001)), read only
    if a template asks. Past the cap, `count_is_capped` is true and pages say "1,000+" and "Page n".

    Deep pages still skip rows with OFFSET: fine for the pages people click through; the directory, the
    one list that grows to a million rows, pages by keyset instead (directory.views)."""

    cap = COUNT_CAP

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("That page number is not an integer")) from error
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        page = CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page

    @cached_property
    def count(self):
        counted = self.object_list.order_by()[: self.cap + 1]
        return counted.count() if hasattr(counted, "count") else len(counted)

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        return super().num_pages


class CappedPage(Page):
    more = False

    def has_next(self):
        return self.more

    def has_previous(self):
        return self.number > 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0


class RecordListView(HtmxTemplateMixin, ListView):
    template_name = "core/record_list.html"
    partial_template_name = "core/partials/record_table.html"
    paginate_by = 50
    paginator_class = CappedPaginator
    columns: list[Column] = []
    title = ""
    create_url_name: str | None = None

    def selector(self, user):
        """The records this user may read, filtered by the request's query string."""
        raise NotImplementedError

    def get_queryset(self):
        return self.selector(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [[(column, column.value(record)) for column in self.columns] for record in context["object_list"]]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            title=self.title,
            columns=self.columns,
            rows=list(zip(context["object_list"], rows, strict=True)),
            can_add=permissions.can_add(self.request.user, self.model),
            create_url_name=self.create_url_name,
            query_string=query.urlencode(),
        )
        return context


class RecordDetailView(DetailView):
    slug_field = "public_id"
    slug_url_kwarg = "public_id"
    history_children: tuple = ()

    def selector(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.selector(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = permissions.can(self.request.user, permissions.CHANGE, self.object)
        context["history"] = history_for(self.object, children=self.history_children)
        return context


class RecordFormView(FormView):
    """Create (no object) or edit (object found through the selector) one record through a service.

    A service's ValidationError becomes form errors; since services are atomic, nothing is half-written.
    """

    template_name = "core/record_form.html"
    model = None
    slug_url_kwarg = "public_id"
    slug_field = "public_id"
    formset_classes: dict = {}
    title = ""

    def selector(self, user):
        raise NotImplementedError

    def perform(self, form, formsets):
        """Call the service; return the saved record."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if self.slug_url_kwarg in kwargs:
            lookup = {self.slug_field: kwargs[self.slug_url_kwarg]}
            self.object = self.selector(request.user).filter(**lookup).first()
            if self.object is None:
                raise Http404(_("No such record, or you may not see it."))
            if not permissions.can(request.user, permissions.CHANGE, self.object):
                raise PermissionDenied(_("You may not change this record."))
        elif not permissions.can_add(request.user, self.model):
            raise PermissionDenied(_("You may not create records of this kind."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.object is not None:
            # The form validates a copy: the service must see the stored values to record before/after.
            kwargs["instance"] = copy.copy(self.object)
        return kwargs

    def get_formsets(self):
        if not hasattr(self, "_formsets"):
            data = self.request.POST if self.request.method == "POST" else None
            self._formsets = {
                name: formset_class(data, prefix=name, initial=self.formset_initial(name), user=self.request.user)
                for name, formset_class in self.formset_classes.items()
            }
        return self._formsets

    def formset_initial(self, name) -> list[dict]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, formsets=self.get_formsets(), title=self.get_title())
        return context

    def get_title(self) -> str:
        if self.object is not None:
            return _("Edit %(record)s") % {"record": self.object}
        return self.title or _("New %(kind)s") % {"kind": self.model._meta.verbose_name}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formsets = self.get_formsets()
        if not (form.is_valid() and all(formset.is_valid() for formset in formsets.values())):
            return self.form_invalid(form)
        try:
            saved = self.perform(form, formsets)
        except ValidationError as error:
            _attach_errors(form, formsets, error)
            return self.form_invalid(form)
        return redirect(saved.get_absolute_url())


def _attach_errors(form, formsets, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field_name, errors in error.error_dict.items():
        messages = [message for e in errors for message in e.messages]
        if field_name in formsets:
            formsets[field_name]._non_form_errors = formsets[field_name].error_class(messages)
        elif field_name in form.fields:
            form.add_error(field_name, messages)
        else:
            form.add_error(None, messages)
