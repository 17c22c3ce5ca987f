"""The desks' Slack faces: one package per desk (``handlers/<desk>/``), each with ``register``.

A handler reads like a recipe: parse the request, call the domain, return a reply. The
composition root (:mod:`bot.compose`) registers every desk.
"""
