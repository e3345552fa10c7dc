"""The delivery settings form: one select named "Delivery" per kind a person can receive."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import AnyOf

from notifications.models import Delivery

NOT_OFFERED = _l("Choose one of the ways offered.")
DELIVERY_LABELS = {
    Delivery.IN_APP: _l("In the app"),
    Delivery.EMAIL_NOW: _l("E-mail at once"),
    Delivery.DAILY_DIGEST: _l("Daily digest"),
    Delivery.OFF: _l("Off"),
}
# An e-mail a feature sends itself has no notification in the app: it comes or it doesn't.
EMAIL_ONLY_LABELS = {Delivery.EMAIL_NOW: _l("By e-mail"), Delivery.OFF: _l("Off")}


class DeliveryForm(FlaskForm):
    submit = SubmitField(_l("Save notification settings"))


def delivery_form(kinds, chosen: dict[str, Delivery]) -> DeliveryForm:
    """A form with a field per kind, named after it and described by the kind's label."""

    class Form(DeliveryForm):
        pass

    for kind in kinds:
        labels = EMAIL_ONLY_LABELS if kind.email_only else DELIVERY_LABELS
        field = SelectField(
            _l("Delivery"),
            choices=[SelectChoice(value.value, label) for value, label in labels.items()],
            default=chosen[kind.name].value,
            description=kind.label,
            validate_choice=False,  # the message below says what to do, in the person's language
            validators=[AnyOf([d.value for d in kind.deliveries], message=NOT_OFFERED)],
        )
        setattr(Form, kind.name, field)
    form = Form()
    form.kind_fields = [form[kind.name] for kind in kinds if not kind.email_only]
    form.email_fields = [form[kind.name] for kind in kinds if kind.email_only]
    return form
