"""Where a webhook may send: http(s) URLs without credentials, and (unless allowed) only public addresses.

A URL is checked when it is saved (its shape, and a literal address or "localhost") and again before
every delivery, after resolving the host name: a name that resolves to an internal address is refused
then, and the connection goes to the very address that was checked (no second lookup to rebind).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import conf

MAX_URL_LENGTH = 2000
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class TargetRefused(Exception):
    """The target cannot be delivered to (refused by policy or not resolvable); the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line


def parse_target_url(url: str) -> Target:
    """Check the URL's shape; raise ValidationError with a message a person can act on."""
    if not isinstance(url, str) or not url:
        raise ValidationError(_("Enter the URL to deliver to."), code="required")
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(_("The URL is too long (at most %(n)d characters).") % {"n": MAX_URL_LENGTH})
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValidationError(_("The URL may not contain spaces or control characters."), code="invalid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("This is not a valid URL."), code="invalid") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(_("Only http:// and https:// URLs can receive webhooks."), code="scheme")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError(
            _("Put no user name or password in the URL: receivers check the signature instead."), code="credentials"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValidationError(_("The URL needs a host name."), code="invalid")
    if parts.fragment:
        raise ValidationError(_("Remove the #fragment: it is never sent to the server."), code="invalid")
    if port == 0:
        raise ValidationError(_("This is not a valid port."), code="invalid")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port or (443 if scheme == "https" else 80), path=path)


def validate_target_url(url: str) -> None:
    """The checks made when a webhook is saved: shape, and no internal address unless allowed."""
    target = parse_target_url(url)
    if conf.allow_private_targets():
        return
    if target.host.lower() in _LOCAL_NAMES or target.host.lower().endswith(".localhost"):
        raise ValidationError(_("Webhooks may not be sent to this server itself (localhost)."), code="private")
    address = _literal_address(target.host)
    if address is not None and not is_public(address):
        raise ValidationError(
            _("Webhooks may not be sent to a private, loopback or reserved address (%(address)s).")
            % {"address": address},
            code="private",
        )


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal_address(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(target: Target) -> list[str]:
    """The addresses to connect to, each checked against the policy; raise TargetRefused if none may be used."""
    literal = _literal_address(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise TargetRefused(
                _("Could not resolve %(host)s: %(error)s") % {"host": target.host, "error": error}
            ) from error
        addresses = []
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
    if not conf.allow_private_targets():
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            # All or nothing: a name that also resolves inside the network is not delivered to at all.
            raise TargetRefused(
                _("%(host)s resolves to a private, loopback or reserved address (%(address)s); refused.")
                % {"host": target.host, "address": refused[0]}
            )
    if not addresses:
        raise TargetRefused(_("%(host)s has no address.") % {"host": target.host})
    return [str(a) for a in addresses]
