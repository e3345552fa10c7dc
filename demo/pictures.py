"""Logos and cover images for a few demo communities, and pictures on the book sale's
announcement, drawn with Pillow at seed time and stored through the same paths as uploads
(community/pictures.py, conversations/post_images.py)."""

from io import BytesIO

from PIL import Image, ImageDraw, ImageOps
from sqlalchemy import select

from accounts.models import User
from community import pictures
from community import services as communities
from conversations import post_images
from conversations.models import Post
from core import commands
from core.extensions import db

BOOK_SALE_POST = "Charity Book Sale: bring your books on Friday"

# slug: (dark colour, light colour); the others keep their initials on a disc.
DEMO_PICTURES = {
    "project-managers": ("#23395d", "#9ec5fe"),
    "volunteering": ("#0f5132", "#a3cfbb"),
    "running-club": ("#801f4f", "#f7c4dc"),
}


def _png(image: Image.Image) -> BytesIO:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _cover(dark: str, light: str) -> BytesIO:
    """A wide gradient with a few soft rings."""
    image = ImageOps.colorize(Image.linear_gradient("L").rotate(90).resize((800, 200)), dark, light)
    draw = ImageDraw.Draw(image)
    for index, radius in enumerate((140, 100, 60)):
        centre = (620 - index * 40, 100)
        box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
        draw.ellipse(box, outline=light, width=6)
    return _png(image)


def _logo(dark: str, light: str) -> BytesIO:
    """A square with a ring and a bar: a simple mark, not initials."""
    image = Image.new("RGB", (192, 192), dark)
    draw = ImageDraw.Draw(image)
    draw.ellipse([36, 36, 156, 156], outline=light, width=14)
    draw.rectangle([88, 20, 104, 172], fill=light)
    return _png(image)


def seed_community_pictures(actor: User) -> None:
    for slug, (dark, light) in DEMO_PICTURES.items():
        community = communities.get_community_by_slug(slug)
        if community is None:
            continue
        for which, draw in (("logo", _logo), ("cover", _cover)):
            with commands.transaction():
                pictures.set_picture(actor, community.id, which, draw(dark, light))


def _books(spines: list[str]) -> BytesIO:
    """A shelf of book spines in the given colours."""
    image = Image.new("RGB", (640, 400), "#f8f5ef")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 340, 640, 400], fill="#6a3a00")
    left = 40
    for index, colour in enumerate(spines * 3):
        width, height = 34 + (index * 7) % 22, 200 + (index * 37) % 110
        draw.rectangle([left, 340 - height, left + width, 340], fill=colour)
        left += width + 6
        if left > 600:
            break
    return _png(image)


def seed_post_pictures() -> None:
    post_id = db.session.execute(select(Post.id).where(Post.title == BOOK_SALE_POST)).scalar()
    if post_id is None:
        return
    with commands.transaction():
        post = db.session.get(Post, post_id)
        shelves = [_books(["#23395d", "#842029", "#0f5132"]), _books(["#4a2a8a", "#055160"])]
        post_images.change_images(post, shelves, caption="Books collected for the sale")
