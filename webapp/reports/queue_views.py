"""What the report queues share (the admin's at /admin/reports, the moderators' at
/mod/reports and /c/<name>/mod/reports): reading the filters, building a resolve form
per row, and resolving one report in place (htmx) or with a redirect (no JS)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import ngettext
from flask_login import current_user

from webapp.htmx import is_htmx, render_page_or_partial
from webapp.i18n import number
from webapp.models.report import REPORT_TARGETS
from webapp.reports import permissions, queries, services
from webapp.reports.forms import ResolveForm
from webapp.urls import back_url
from webapp.web import errors_show_in, found_or_404

PAGE_SIZE = 25
QUEUE_KEYS = ("state", "kind")


def form_prefix(report_id: int) -> str:
    """Each row's form has its own field names and ids (several forms on one page)."""
    return f"report-{report_id}"


def resolve_form(report, *, site_wide: bool, formdata=None) -> ResolveForm:
    form = ResolveForm(prefix=form_prefix(report.id), formdata=formdata)
    return form.offer(permissions.outcomes_for(report, site_wide=site_wide))


def queue_filters() -> tuple[str, str | None]:
    """The queue's state (open or resolved) and kind of item (None: all kinds)."""
    state = request.args.get("state", "open")
    if state not in queries.QUEUE_STATES:
        state = "open"
    kind = request.args.get("kind")
    return state, kind if kind in REPORT_TARGETS else None


def render_queue(
    page_template: str,
    scope: queries.QueueScope,
    *,
    site_wide: bool,
    resolve_endpoint: str,
    **context,
):
    """A queue page (or, for htmx, its rows) with a resolve form on every open row."""
    state, kind = queue_filters()
    page = queries.report_queue(scope, state, kind, request.args.get("cursor"), PAGE_SIZE)
    forms = {
        row.report.id: resolve_form(row.report, site_wide=site_wide)
        for row in page.items
        if row.report.status == "open"
    }
    return render_page_or_partial(
        page_template,
        "admin/_report_rows.html",
        page=page,
        forms=forms,
        state=state,
        kind=kind,
        kinds=REPORT_TARGETS,
        resolve_endpoint=resolve_endpoint,
        **context,
    )


def _render_row(row, form, resolve_endpoint: str):
    return render_template(
        "reports/_row.html",
        row=row,
        form=form,
        resolve_endpoint=resolve_endpoint,
    )


def resolve_in_place(
    report_id: int,
    scope: queries.QueueScope,
    *,
    site_wide: bool,
    resolve_endpoint: str,
    queue_url: str,
):
    """Resolve one report with the row's form: htmx gets the row back (resolved, or the
    form with its messages); without JS, back to the queue with a message, or a page
    with the row's form and its messages."""
    row = found_or_404(queries.report_row(report_id, scope))
    form = resolve_form(row.report, site_wide=site_wide, formdata=request.form)

    def again():
        if is_htmx():
            return _render_row(row, form, resolve_endpoint)
        return render_template(
            "reports/resolve.html",
            row=row,
            form=form,
            resolve_endpoint=resolve_endpoint,
            queue_url=queue_url,
        ), 422

    if not form.validate():
        return again()
    errors_show_in(form, again)
    closed = services.resolve_report(
        current_user,
        row.report,
        form.outcome.data,
        form.reason.data,
        form.ban_days.data,
        site_wide=site_wide,
    )
    if is_htmx():
        resolved = queries.report_row(report_id, scope)
        return _render_row(resolved, None, resolve_endpoint)
    flash(
        ngettext(
            "The report has been resolved.",
            "%(count)s reports of this item have been resolved.",
            closed,
            count=number(closed),
        ),
        "success",
    )
    return redirect(back_url(queue_url), code=303)
