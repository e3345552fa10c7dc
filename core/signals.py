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
