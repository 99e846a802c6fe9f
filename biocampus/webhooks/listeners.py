"""The webhooks app's listener of domain events (subscribed in WebhooksConfig.ready())."""

from biocampus.core.events import DomainEvent

from . import services


def on_domain_event(event: DomainEvent) -> None:
    services.deliveries_for_event(event)
