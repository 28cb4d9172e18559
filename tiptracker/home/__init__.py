"""The partnership's own pages: the landing page, the coverage dashboard, members and their
invitations, organisations. They sit above the domain apps (they read coverage from training
and invite staff from workforce), so they are not part of partnerships, which every app imports.
"""
