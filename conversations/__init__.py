"""Conversations in each community: posts, replies, likes, votes and moderation."""
