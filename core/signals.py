"""Signals a lower feature sends so that higher ones can react without imports."""

from blinker import Namespace

guildhall_signals = Namespace()

# sender: the Community; kwargs: membership
member_joined = guildhall_signals.signal("member-joined")
member_left = guildhall_signals.signal("member-left")
# sender: the Community; kwargs: membership (pending), sent when someone asks to join an
# approval community; member_joined follows if a leader approves
member_requested = guildhall_signals.signal("member-requested")
# sender: the Community; kwargs: membership (now left), sent when a leader declines a request
member_declined = guildhall_signals.signal("member-declined")

# sender: the Event; kwargs: registration (confirmed or waitlisted), sent when someone registers
event_registered = guildhall_signals.signal("event-registered")

# sender: the Initiative; kwargs: lead (initiatives.models.Lead)
lead_created = guildhall_signals.signal("lead-created")

# sender: the Registration, moved from the waitlist to a confirmed seat
waitlist_promoted = guildhall_signals.signal("waitlist-promoted")
# sender: the Event; kwargs: people (Users confirmed or waitlisted), changes (names of what
# changed: "time", "place"); sent when its time or place changes
event_changed = guildhall_signals.signal("event-changed")
# sender: the Event; kwargs: people (Users who were confirmed or waitlisted)
event_cancelled = guildhall_signals.signal("event-cancelled")

# sender: the CatalogItem; kwargs: holder (the User who held it; None for an outside
# person), expired (True when its time ran out); sent when a reservation is released
reservation_released = guildhall_signals.signal("reservation-released")
# sender: the CatalogItem; kwargs: holder (User); sent once a day before a reservation ends
reservation_expiring = guildhall_signals.signal("reservation-expiring")
# sender: the CatalogItem; kwargs: holder (User), amount; sent when a donation is confirmed
donation_confirmed = guildhall_signals.signal("donation-confirmed")

# sender: the PromotionRequest; kwargs: actor (User or None), event (the new status's value,
# "comment" or "at_risk"), recipients (Users to tell: the other side, never the actor),
# note (the reason or the comment's text, or "")
brief_changed = guildhall_signals.signal("brief-changed")

# Conversations (conversations/). Sent when content becomes visible to readers: on posting,
# or when a leader approves held content; never for content that stays held.
# sender: the Post; kwargs: actor (the author)
post_published = guildhall_signals.signal("post-published")
# sender: the Reply; kwargs: actor (the author)
reply_published = guildhall_signals.signal("reply-published")
# sender: the Post (an idea); kwargs: actor (the leader), status, reason
idea_status_changed = guildhall_signals.signal("idea-status-changed")
# sender: the Post or Reply reported; kwargs: report (ContentReport), hidden (True when this
# report hid it)
content_reported = guildhall_signals.signal("content-reported")
# sender: the Post or Reply; kwargs: actor (the leader), decision ("rejected", "removed"),
# reason; tells the author
content_moderated = guildhall_signals.signal("content-moderated")
