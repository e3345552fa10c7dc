"""Promotion requests that become SMM briefs, and the content calendar."""
