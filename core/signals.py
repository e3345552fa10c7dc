"""Signals a lower feature sends so that higher ones can react without imports."""

from blinker import Namespace

guildhall_signals = Namespace()

# sender: the Community; kwargs: membership
member_joined = guildhall_signals.signal("member-joined")
member_left = guildhall_signals.signal("member-left")

# sender: the Event; kwargs: registration (confirmed or waitlisted), sent when someone registers
event_registered = guildhall_signals.signal("event-registered")

# sender: the Initiative; kwargs: lead (initiatives.models.Lead)
lead_created = guildhall_signals.signal("lead-created")
