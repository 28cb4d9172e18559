"""The site's Content-Security-Policy, built in one place (the middleware sends it on every
response; the sign-in page widens form-action for the identity providers)."""


def content_security_policy(*, form_action: tuple[str, ...] = ()) -> str:
    """The site's policy; `form_action` adds origins a form's submission may end up at
    through redirects (browsers check every step): the sign-in page's e-mail form leads to
    the identity providers' authorization pages."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(["form-action 'self'", *form_action]),
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )
