"""The kinds of document search finds: one registration each.

To make a new kind searchable, add one `register(Kind(...))` here: the model,
how a row becomes a Document (title, body, link, audience) and the columns
the database fallback searches. Then run `flask --app app search reindex`
once; from then on the session listener in search/tracking.py keeps it
current. Audience tokens are explained in search/registry.py.
"""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from community.models import Community
from events.models import Event, EventVisibility
from initiatives.models import CatalogItem, Initiative, ItemStatus
from promotions.models import PromotionRequest
from search.registry import (
    EVERYONE,
    SMM,
    Document,
    Follows,
    Kind,
    leaders_of,
    members_of,
    register,
)


def plain_text(stored_html: str | None) -> str:
    """What a reader sees of a Markdown text, without its markup: from the HTML stored
    when it was saved (see core.text), so indexing never renders it a second time."""
    return Markup(stored_html or "").striptags()


def community_document(community: Community) -> Document:
    return Document(
        title=community.name,
        body=plain_text(community.description_html),
        # Archived communities stay visible to their leaders (and admins) only.
        audience=[leaders_of(community.id)] if community.is_archived else [EVERYONE],
        endpoint="community.show",
        url_args={"slug": community.slug},
    )


register(
    Kind(
        name="community",
        label=_l("Communities"),
        singular=_l("Community"),
        model=Community,
        document=community_document,
        search_columns=lambda: [Community.name, Community.description],
    )
)


def _community_audience(community: Community, visible_to_all: bool) -> list[str]:
    """Everyone, or only the community's leaders (archived community, draft…)."""
    if community.is_archived or not visible_to_all:
        return [leaders_of(community.id)]
    return [EVERYONE]


def event_document(event: Event) -> Document:
    community = event.community
    if community.is_archived:
        audience = [leaders_of(community.id)]
    elif event.visibility == EventVisibility.MEMBERS:
        audience = [members_of(community.id), leaders_of(community.id)]
    else:
        audience = [EVERYONE]
    return Document(
        title=event.title,
        body=" ".join(filter(None, [plain_text(event.description_html), event.place])),
        audience=audience,
        endpoint="events.show",
        url_args={"event_id": event.id},
        context=community.name,
        parents=[f"community:{community.id}"],
    )


register(
    Kind(
        name="event",
        label=_l("Events"),
        singular=_l("Event"),
        model=Event,
        document=event_document,
        search_columns=lambda: [Event.title, Event.description],
        load_options=lambda: [joinedload(Event.community)],
        follows=(Follows(Community, "community_id", when=("name", "archived_at")),),
    )
)


def initiative_document(initiative: Initiative) -> Document:
    community = initiative.community
    return Document(
        title=initiative.title,
        body=" ".join(filter(None, [initiative.goal, plain_text(initiative.description_html)])),
        # Drafts are their leaders' own until published.
        audience=_community_audience(community, visible_to_all=not initiative.is_draft),
        endpoint="initiatives.show",
        url_args={"initiative_id": initiative.id},
        context=community.name,
        parents=[f"community:{community.id}"],
    )


register(
    Kind(
        name="initiative",
        label=_l("Initiatives"),
        singular=_l("Initiative"),
        model=Initiative,
        document=initiative_document,
        search_columns=lambda: [Initiative.title, Initiative.description, Initiative.goal],
        load_options=lambda: [joinedload(Initiative.community)],
        follows=(Follows(Community, "community_id", when=("name", "archived_at")),),
    )
)

# Statuses everyone who sees the catalog sees; pending and withdrawn items are the leaders'.
LISTED_ITEM_STATUSES = {ItemStatus.AVAILABLE, ItemStatus.RESERVED, ItemStatus.EXCHANGED}


def catalog_item_document(item: CatalogItem) -> Document:
    initiative = item.initiative
    community = initiative.community
    listed = not initiative.is_draft and item.status in LISTED_ITEM_STATUSES
    return Document(
        title=item.title,
        body=" · ".join(filter(None, [item.author, item.category])),
        audience=_community_audience(community, visible_to_all=listed),
        endpoint="initiatives.show",
        url_args={"initiative_id": initiative.id, "q": item.title},
        context=initiative.title,
        parents=[f"initiative:{initiative.id}", f"community:{community.id}"],
    )


register(
    Kind(
        name="catalog_item",
        label=_l("Catalog items"),
        singular=_l("Catalog item"),
        model=CatalogItem,
        document=catalog_item_document,
        search_columns=lambda: [CatalogItem.title, CatalogItem.author],
        load_options=lambda: [joinedload(CatalogItem.initiative).joinedload(Initiative.community)],
        follows=(Follows(Initiative, "initiative_id", when=("title", "status", "community_id")),),
    )
)


def brief_document(brief: PromotionRequest) -> Document:
    community = brief.community
    return Document(
        title=brief.title,
        body=brief.key_message,
        # A brief is private to SMM and its community's leaders (promotions.view).
        audience=[SMM, leaders_of(community.id)],
        endpoint="promotions.show",
        url_args={"brief_id": brief.id},
        context=community.name,
        parents=[f"community:{community.id}"],
    )


register(
    Kind(
        name="brief",
        label=_l("Briefs"),
        singular=_l("Brief"),
        model=PromotionRequest,
        document=brief_document,
        search_columns=lambda: [PromotionRequest.title, PromotionRequest.key_message],
        load_options=lambda: [joinedload(PromotionRequest.community)],
        follows=(Follows(Community, "community_id", when=("name",)),),
    )
)
