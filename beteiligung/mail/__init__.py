"""Mail: stored with the write that caused it, delivered after its commit (see services, delivery)."""

from .services import absolute_url, external_url, send_mail, send_mails

__all__ = ["absolute_url", "external_url", "send_mail", "send_mails"]
