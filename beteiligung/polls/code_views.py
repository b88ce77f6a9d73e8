"""Workshop access codes for moderators: generate them, list them, and print them as a sheet of
cards, each with a QR code that opens the poll with its code filled in.

The routes belong to the blueprint of ``views``; that module imports this one to register them.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..charts import qr_code
from ..errors import DomainError
from ..extensions import db
from ..forms import page_arg, show_error
from ..pagination import paginate
from . import services
from .forms import CodeCountForm
from .manage_views import moderated_poll
from .models import Audience
from .views import bp

CODES_PER_SHEET = 60  # one printed sheet (page of the sheet view): drawing a QR code takes a few ms


@bp.route("/<int:poll_id>/zugangscodes", methods=["GET", "POST"])
@login_required
def access_codes(poll_id):
    poll = moderated_poll(poll_id)
    form = CodeCountForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = services.generate_codes(current_user, poll, form.count.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("%(n)d Zugangscodes wurden erzeugt.", n=len(created)), "success")
            return redirect(url_for(".access_codes", poll_id=poll.id), code=303)
    elif form.is_submitted():
        status = 422
    codes = services.codes_of(poll)
    unused = sum(1 for code in codes if code.used_at is None)
    sheets = [(page, (page - 1) * CODES_PER_SHEET + 1, min(page * CODES_PER_SHEET, unused))
              for page in range(1, -(-unused // CODES_PER_SHEET) + 1)]
    return render_template("polls/codes.html", poll=poll, form=form, codes=codes, sheets=sheets,
                           format_code=services.format_code), status


@bp.route("/<int:poll_id>/zugangscodes/druckbogen")
@login_required
def access_code_sheet(poll_id):
    """The unused codes as cards to cut out: no navigation, no messages, no help; a QR code per card."""
    poll = moderated_poll(poll_id)
    if poll.audience == Audience.ACCOUNTS:
        abort(404)
    page = paginate(services.unused_codes_query(poll), page_arg(), CODES_PER_SHEET)
    if page.page > page.pages:
        abort(404)
    cards = []
    for code in page.items:
        shown = services.format_code(code.code)
        link = url_for("polls.show", poll_id=poll.id, code=shown, _external=True)
        cards.append({"code": shown, "qr": qr_code(link, label=_("QR-Code: öffnet die Umfrage mit dem Code %(code)s",
                                                                    code=shown))})
    return render_template("polls/code_sheet.html", poll=poll, cards=cards, page=page,
                           address=url_for("polls.show", poll_id=poll.id, _external=True))


