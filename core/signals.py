"""Signals a lower feature sends so that higher ones can react without imports."""

from blinker import Namespace

guildhall_signals = Namespace()

# sender: the Community; kwargs: membership
member_joined = guildhall_signals.signal("member-joined")
member_left = guildhall_signals.signal("member-left")


# sender: the Initiative; kwargs: lead (initiatives.models.Lead)
lead_created = guildhall_signals.signal("lead-created")
