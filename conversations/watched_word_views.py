"""The admins' "Watched words" page: words and phrases that hold or refuse new posts.
Routes join the conversations blueprint."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from conversations import watched_words
from conversations.models import WatchedWord, WatchedWordAction
from conversations.moderation_forms import WatchedWordForm
from conversations.views import bp
from core import commands
from core.extensions import db
from core.navigation import add_admin_item
from core.permissions import requires

add_admin_item(
    "conversations.watched_words_page", _l("Watched words"), "conversations.watched_words", 50
)


@bp.route("/admin/watched-words", methods=["GET", "POST"])
@requires("conversations.watched_words")
def watched_words_page():
    form = WatchedWordForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: watched_words.add_watched_word(
                current_user, form.phrase.data, WatchedWordAction(form.action.data)
            ),
            done=lambda word: _("“%(phrase)s” is on the list.", phrase=word.phrase),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("conversations.watched_words_page"))
    return render_template(
        "conversations/moderation/watched_words.html",
        form=form,
        words=watched_words.list_watched_words(),
        limit=watched_words.MAX_WATCHED_WORDS,
    ), 400 if form.errors else 200


@bp.post("/admin/watched-words/<int:word_id>/delete")
@requires("conversations.watched_words")
def delete_watched_word(word_id: int):
    word = db.get_or_404(WatchedWord, word_id)
    commands.run(
        lambda: watched_words.delete_watched_word(current_user, word),
        done=_("“%(phrase)s” is off the list.", phrase=word.phrase),
    )
    return redirect(url_for("conversations.watched_words_page"))
