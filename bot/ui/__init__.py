"""Telegram presentation: callback data, keyboards, cards, states, command menus."""
