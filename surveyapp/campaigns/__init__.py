"""Campaigns: creating them, their public addresses and QR codes."""
