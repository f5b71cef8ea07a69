"""Filing a report: `/report/<kind>/<id>` for a post, comment, person or community.
The queues live with the admin and moderator pages (webapp/admin/views/reports.py,
webapp/moderation/views.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.error_pages import render_error
from webapp.ratelimits import writes
from webapp.reports import permissions, queries, services
from webapp.reports.forms import KIND_LABELS, REASON_LABELS, RESOLVED_LABELS, ReportForm
from webapp.web import errors_show_in, found_or_404, render_form, signed_in

bp = Blueprint("reports", __name__)

KINDS = "post,comment,user,community"


@bp.app_template_global()
def offers_report_link(user, owner_id) -> bool:
    """Whether a page shows a "Report" link for a thing owned by `owner_id`."""
    return permissions.offers_report_link(user, owner_id)


@bp.app_template_global()
def report_reason_label(reason: str) -> str:
    """The translated name of a report's reason."""
    return str(REASON_LABELS.get(reason, reason))


@bp.app_template_global()
def report_kind_label(kind: str) -> str:
    """The translated name of the kind of thing a report is about."""
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def report_outcome_label(status: str) -> str:
    """The translated name of how a report was resolved."""
    return str(RESOLVED_LABELS.get(status, status))


def item_url(item: queries.ReportedItem) -> str:
    """The reported thing's own page (a comment: its thread, scrolled to it)."""
    anchor = f"comment-{item.id}" if item.kind == "comment" else None
    return url_for(item.endpoint, **item.values, _anchor=anchor)


@bp.route(f"/report/<any({KINDS}):kind>/<id:target_id>", methods=["GET", "POST"])
@signed_in()
@writes
def new(kind: str, target_id: int):
    """Report something to the moderators, once, with a reason."""
    item = found_or_404(queries.reported_item(kind, target_id))
    if not permissions.can_report(current_user, item.owner_id):
        return render_error(403, _("You cannot report yourself or what you wrote."))
    already = queries.my_report(current_user, kind, target_id)
    form = ReportForm()

    def page():
        return render_form(
            "reports/new.html", form, item=item, item_url=item_url(item), already=already
        )

    if form.validate_on_submit():
        errors_show_in(form, page)
        services.file_report(current_user, kind, target_id, form.reason.data, form.details.data)
        flash(_("Thank you. The moderators will look at your report."), "success")
        return redirect(item_url(item), code=303)
    return page()
