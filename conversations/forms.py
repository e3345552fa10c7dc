"""The forms of a community's conversations: a post, a reply, an idea's status."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileSize, MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from conversations.models import (
    CAPTION_LENGTH,
    REASON_LENGTH,
    SUBMIT_TOKEN_LENGTH,
    TITLE_LENGTH,
    IdeaStatus,
    PostKind,
)
from conversations.post_images import MAX_POST_IMAGES
from core.images import IMAGE_EXTENSIONS, MAX_IMAGE_BYTES
from core.text import one_line

BODY_LENGTH = 20000  # as every other Markdown field on the site

KIND_LABELS = {
    PostKind.DISCUSSION: _l("Discussion"),
    PostKind.QUESTION: _l("Question"),
    PostKind.IDEA: _l("Idea"),
    PostKind.ANNOUNCEMENT: _l("Announcement"),
}
IDEA_STATUS_LABELS = {
    IdeaStatus.OPEN: _l("Open"),
    IdeaStatus.UNDER_REVIEW: _l("Under review"),
    IdeaStatus.PLANNED: _l("Planned"),
    IdeaStatus.DONE: _l("Done"),
    IdeaStatus.DECLINED: _l("Declined"),
}


def _body(label, description=None, rows: int = 8, required: bool = True) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=_l("Write something first.")) if required else Optional(),
            Length(max=BODY_LENGTH),
        ],
        description=description,
        render_kw={"rows": rows},
    )


def new_submit_token() -> str:
    return secrets.token_urlsafe(16)


def _submit_token() -> HiddenField:
    """A one-time token drawn when the form is shown: the same form sent twice makes one
    post or reply (services.create_post and create_reply look for it)."""
    return HiddenField(
        "",  # never shown; a default label would be looked up in every catalog
        default=new_submit_token,
        validators=[
            Optional(),
            Length(max=SUBMIT_TOKEN_LENGTH),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Reload the page and send it again.")),
        ],
    )


class PostForm(FlaskForm):
    kind = SelectField(_l("Kind"), default=PostKind.DISCUSSION.value)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the post a title.")), Length(max=TITLE_LENGTH)],
        filters=[one_line],
    )
    body = _body(
        _l("Body"),
        _l("Markdown: **bold**, *italic*, lists, links, > quotes."),
        required=False,
    )
    submit_token = _submit_token()

    images = MultipleFileField(
        _l("Images"),
        validators=[
            FileAllowed(IMAGE_EXTENSIONS, _l("Upload JPEG, PNG or WebP images.")),
            FileSize(MAX_IMAGE_BYTES, message=_l("Each image may be at most 2 MB.")),
        ],
        description=lazy_ngettext(
            "Optional: up to %(num)s JPEG, PNG or WebP image of at most 2 MB.",
            "Optional: up to %(num)s JPEG, PNG or WebP images of at most 2 MB each.",
            MAX_POST_IMAGES,
        ),
        render_kw={"accept": ".jpg,.jpeg,.png,.webp"},
    )
    caption = StringField(
        _l("Image description"),
        validators=[Length(max=CAPTION_LENGTH)],
        filters=[one_line],
        description=_l("Optional: what the images show, for people who cannot see them."),
    )

    def validate_images(self, field) -> None:
        if len(field.data or []) > MAX_POST_IMAGES:
            raise ValidationError(
                lazy_ngettext(
                    "Choose at most %(num)s image.", "Choose at most %(num)s images.",
                    MAX_POST_IMAGES,
                )
            )  # fmt: skip

    def validate_caption(self, field) -> None:
        """A description with no picture to describe would be dropped unsaid."""
        if field.data and not self.uploads() and not getattr(self, "has_images", False):
            raise ValidationError(_l("Choose the images it describes, or leave it empty."))

    def uploads(self) -> list:
        """The chosen files' streams (none when nothing was chosen)."""
        return [
            upload.stream for upload in self.images.data or [] if isinstance(upload, FileStorage)
        ]

    def offer_kinds(self, may_announce: bool) -> None:
        """Announcements only for those who may make one; the others are for every member."""
        self.kind.choices = [
            SelectChoice(kind.value, label)
            for kind, label in KIND_LABELS.items()
            if may_announce or kind != PostKind.ANNOUNCEMENT
        ]


class PostEditForm(FlaskForm):
    """Editing keeps the kind: answers, votes and pins belong to it."""

    title = PostForm.title
    body = PostForm.body
    remove_images = SelectMultipleField(
        _l("Remove images"),
        coerce=int,
        choices=[],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=True,
    )
    images = PostForm.images
    caption = PostForm.caption
    validate_images = PostForm.validate_images
    validate_caption = PostForm.validate_caption
    uploads = PostForm.uploads
    has_images = False

    def offer_removal(self, post) -> "PostEditForm":
        """A box to tick for each of the post's pictures."""
        self.has_images = bool(post.images)
        self.remove_images.choices = [
            SelectChoice(image.id, image.caption or post.title) for image in post.images
        ]
        return self


class ReplyForm(FlaskForm):
    body = _body(_l("Your reply"), _l("Markdown. Quote with > at the start of a line."), rows=5)
    submit_token = _submit_token()


class IdeaStatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(status.value, label) for status, label in IDEA_STATUS_LABELS.items()],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_LENGTH)],
        filters=[one_line],
        description=_l("The voters are told this with the new status."),
        render_kw={"rows": 2},
    )
