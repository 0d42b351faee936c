"""The HQ console: server-rendered pages for HQ, branch leads and store managers, under /console.

An adapter like bot/: its pages call the same services as the HQ API, and ask
staff/access for what the signed-in person may see and do.
"""
