"""Notifications service: turns events into what each KGU and the RGU receive."""
