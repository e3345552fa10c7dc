"""static/js/mentions.js: typing "@" and a few letters in a textarea that names its
suggestion list (data-mentions-url) offers people, and choosing one writes the name.

Here the script is attached to a textarea put on the community page; the real post and
reply forms carry it too (tests/browser/test_conversations_journey.py chooses a name there)."""

from playwright.sync_api import expect

from community import services as communities
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import make_community, make_user

ADD_TEXTAREA = """([url, script]) => {
  const main = document.querySelector("main");
  const label = document.createElement("label");
  label.htmlFor = "body"; label.textContent = "Body";
  const area = document.createElement("textarea");
  area.id = "body"; area.setAttribute("data-mentions-url", url);
  area.setAttribute("data-mentions-label", "People to mention");
  main.prepend(label, area);
  const tag = document.createElement("script");
  tag.src = script;
  return new Promise((done) => { tag.onload = done; document.body.append(tag); });
}"""


def test_typing_at_and_letters_suggests_a_name_and_enter_writes_it(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        member = make_user("max@example.com", "Max Member")
        make_user("olena@example.com", "Олена Коваленко")
        community = make_community(leader, "Project Managers")
        communities.join_community(member, community)
        return community.slug

    slug = live_server.setup(world)
    sign_in(page, "max@example.com")
    page.goto(f"/communities/{slug}")
    page.evaluate(ADD_TEXTAREA, [f"/communities/{slug}/people.json", "/static/js/mentions.js"])

    body = page.get_by_label("Body")
    body.press_sequentially("Питання до @кова")
    expect(page.get_by_role("listbox", name="People to mention")).to_be_visible()
    option = page.get_by_role("option", name="Олена Коваленко")
    expect(option).to_be_visible()
    check_accessibility(page)  # with the list open
    body.press("Enter")
    expect(body).to_have_value("Питання до @Олена Коваленко ")
    expect(page.get_by_role("listbox")).to_be_hidden()

    body.press_sequentially("і @le")
    expect(page.get_by_role("option", name="Lena Leader")).to_be_visible()
    body.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(body).to_have_value("Питання до @Олена Коваленко і @le")
