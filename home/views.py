"""The home page at "/" for a signed-in person: what needs them, what is coming up, what is
new in their communities and which they might join. Core serves the address; this module
names the view (core/navigation.py) and adds "Home" to the main navigation."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.services import led_community_ids
from core.navigation import add_nav_item, set_home_page
from core.permissions import is_smm, require
from home import coming_up, needs_you, news

add_nav_item("core.index", _l("Home"), "site.browse", 0)


def home():
    require("site.browse")
    user = current_user._get_current_object()
    smm = is_smm(user)
    led_ids = led_community_ids(user)
    return render_template(
        "home/home.html",
        smm=smm,
        leads=bool(led_ids),
        leader=needs_you.leader_tasks(led_ids),
        promotions=needs_you.promotion_tasks(smm, led_ids),
        seats=coming_up.my_registrations(user),
        reservations=coming_up.my_reservations(user),
        news=news.news_page(user),
        suggestions=news.communities_to_join(user),
    )


set_home_page(home)
