"""Fans (粉丝): the customers each guide holds as WeCom external contacts, with anti-cheat rules."""
