"""Notifications for everyone: the bell, the list, delivery choices and the daily digest."""
