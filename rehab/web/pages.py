"""The sign-in and first-administrator pages: plain HTML forms, so a password never crosses the websocket."""

from __future__ import annotations

from html import escape

_STYLE = """
body{font-family:"Source Sans Pro",system-ui,sans-serif;margin:0;background:#fff;color:#262730}
main{max-width:26rem;margin:4rem auto;padding:0 1.25rem}
h1{font-size:2rem;margin:0 0 1.5rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input{box-sizing:border-box;width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #6b6c75;border-radius:.4rem}
input:focus{outline:3px solid #1c64d9;outline-offset:1px}
.button{display:inline-block;font-weight:600;color:#fff;background:#1c4f9c;border-radius:.4rem;
padding:.7rem 1.4rem;min-height:44px;box-sizing:border-box;text-decoration:none}
h2.or{font-size:1rem;font-weight:600;color:#44454f;margin:1.75rem 0 0}
button{margin-top:1.5rem;font:inherit;font-weight:600;color:#fff;background:#b8261c;border:0;border-radius:.4rem;
padding:.7rem 1.4rem;min-height:44px;cursor:pointer}
.note{background:#e8f0fb;border-radius:.4rem;padding:.75rem 1rem;margin-bottom:1rem}
.error{background:#fdecea;color:#7d1a12;border-radius:.4rem;padding:.75rem 1rem;margin-bottom:1rem}
.field-error{color:#9c1c12;margin:.35rem 0 0}
.help{color:#44454f;margin:.35rem 0 0;font-size:.95rem}
p{line-height:1.5}
"""


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Rehab dashboard</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def _field(
    name: str,
    label: str,
    *,
    kind: str = "text",
    autocomplete: str,
    value: str = "",
    error: str = "",
    help_text: str = "",
) -> str:
    described = []
    extra = ""
    if help_text:
        described.append(f"{name}-help")
        extra += f'<p class="help" id="{name}-help">{escape(help_text)}</p>'
    if error:
        described.append(f"{name}-error")
        extra += f'<p class="field-error" id="{name}-error">{escape(error)}</p>'
    aria = f' aria-describedby="{" ".join(described)}"' if described else ""
    invalid = ' aria-invalid="true"' if error else ""
    shown = f' value="{escape(value)}"' if value and kind != "password" else ""
    return (
        f'<label for="{name}">{escape(label)}</label>'
        f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{autocomplete}" required{shown}{aria}{invalid}>'
        f"{extra}"
    )


def _hidden(csrf: str, next_path: str) -> str:
    return (
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
    )


def sign_in(
    *,
    csrf: str,
    next_path: str,
    notice: str = "",
    error: str = "",
    username: str = "",
    sso: tuple[str, str] | None = None,
) -> str:
    """The password form, with a single sign-on button above it when ``sso`` = (provider label, start address)."""
    parts = ["<h1>Sign in</h1>"]
    if notice:
        parts.append(f'<p class="note" role="status">{escape(notice)}</p>')
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    if sso:
        label, href = sso
        parts.append(f'<p><a class="button" href="{escape(href)}">Sign in with {escape(label)}</a></p>')
        parts.append('<h2 class="or">Or with a username and password</h2>')
    parts.append('<form method="post" action="/auth/signin">')
    parts.append(_hidden(csrf, next_path))
    parts.append(_field("username", "Username", autocomplete="username", value=username))
    parts.append(_field("password", "Password", kind="password", autocomplete="current-password"))
    parts.append('<button type="submit">Sign in</button></form>')
    return page("Sign in", "".join(parts))


_ADMIN_FIELDS = (
    ("username", "Username", "text", "username", ""),
    ("display_name", "Full name", "text", "name", ""),
    (
        "password",
        "Password",
        "password",
        "new-password",
        "At least 10 characters. A short sentence is easy to remember and hard to guess.",
    ),
    ("confirm", "Repeat the password", "password", "new-password", ""),
)


def first_admin(*, csrf: str, errors: dict[str, str] | None = None, values: dict[str, str] | None = None) -> str:
    errors = errors or {}
    values = values or {}
    parts = [
        "<h1>Create the administrator account</h1>",
        "<p>This is a new installation with no accounts yet. The administrator adds clinicians, manages "
        "accounts and reads the audit log.</p>",
    ]
    if errors:
        parts.append('<p class="error" role="alert">Nothing was saved. Please correct the fields marked below.</p>')
    parts.append('<form method="post" action="/auth/setup">')
    parts.append(_hidden(csrf, "/"))
    for name, label, kind, autocomplete, help_text in _ADMIN_FIELDS:
        shown = values.get(name, "") if kind != "password" else ""
        parts.append(
            _field(
                name,
                label,
                kind=kind,
                autocomplete=autocomplete,
                value=shown,
                error=errors.get(name, ""),
                help_text=help_text,
            )
        )
    parts.append('<button type="submit">Create administrator</button></form>')
    return page("Create the administrator account", "".join(parts))


def sign_on_refused(message: str, *, waiting: bool = False) -> str:
    """A single sign-on that did not sign in: an error, or (``waiting``) a note that approval is pending."""
    shown = (
        f'<p class="note" role="status">{escape(message)}</p>'
        if waiting
        else (f'<p class="error" role="alert">{escape(message)}</p>')
    )
    return page("Sign in", f'<h1>Sign in</h1>{shown}<p><a href="/auth/signin">Back to the sign-in page</a></p>')


def unavailable(message: str) -> str:
    return page("Unavailable", f'<h1>The app cannot open</h1><p class="error" role="alert">{escape(message)}</p>')
