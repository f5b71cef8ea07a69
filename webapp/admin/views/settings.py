"""Admin: the site settings (name, description, sign-ups, announcement, default
language, content rules)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.admin.blueprint import bp
from webapp.admin.settings_forms import SiteSettingsForm
from webapp.i18n import language_choices
from webapp.site_settings import current_settings, save_site_settings
from webapp.web import errors_show_in, render_form


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Show and save the site settings; a refused value comes back with what was typed."""
    stored = current_settings()
    if request.method == "POST":
        form = SiteSettingsForm()
    else:
        form = SiteSettingsForm(formdata=None, data=SiteSettingsForm.initial_data(stored))
    form.default_language.choices = language_choices()

    def page():
        return render_form(
            "admin/settings.html", form, stored=stored, admin_section="admin.settings"
        )

    if form.validate_on_submit():
        errors_show_in(form, page)
        if save_site_settings(current_user, form.submitted()):
            flash(_("The site settings are saved."), "success")
        else:
            flash(_("Nothing changed."), "info")
        return redirect(url_for("admin.settings"), 303)
    return page()
