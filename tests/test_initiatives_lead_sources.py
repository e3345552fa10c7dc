"""The leads table names where a lead came from: a tracked link's channel and brief, not
its code; a word from the public page's address as it is."""

from core.extensions import db
from initiatives import leads
from initiatives.models import LeadKind
from promotions.models import BriefStatus
from tests.conftest import make_user
from tests.test_initiatives_support import build_catalog
from tests.test_promotions_factories import brief_in, make_link, people_world


def test_a_tracked_link_s_lead_shows_its_channel_and_brief(app, login):
    catalog = build_catalog()
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    brief = brief_in(BriefStatus.SCHEDULED, catalog.leader, smm, catalog.community)
    link = make_link(smm, brief)
    leads.record_lead(
        catalog.initiative, LeadKind.INTEREST, user=catalog.employee, source=link.code
    )
    leads.record_lead(catalog.initiative, LeadKind.REQUEST, user=catalog.leader, source="facebook")
    db.session.commit()
    page = login(catalog.leader).get(f"/initiatives/{catalog.initiative.id}/leads").text
    assert f"Instagram · {brief.title}" in page
    assert link.code not in page
    assert "facebook" in page


def test_labels_for_a_page_of_leads_take_one_query(app, count_queries):
    from initiatives.lead_sources import source_labels

    leader, smm, _member, community = people_world()
    brief = brief_in(BriefStatus.SCHEDULED, leader, smm, community)
    codes = [make_link(smm, brief).code]
    with count_queries() as statements:
        labels = source_labels([*codes, "newsletter", None, "newsletter"])
    assert len(statements) == 1
    assert labels["newsletter"] == "newsletter" and labels[codes[0]].startswith("Instagram")
