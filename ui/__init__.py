"""UI: every way a person talks to Granska — the web page, the JSON API and the command line.

May import: granska.engine (which composes the stages), the stages for their constants, and the ground.
"""
