from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # not attempted yet
    SUCCEEDED = "succeeded", _("Succeeded")  # a 2xx answer
    FAILED = "failed", _("Failed, will retry")  # the last attempt failed; the next one is scheduled
    GIVING_UP = "giving_up", _("Gave up")  # every attempt failed; only "retry now" sends it again


RETRYABLE_STATUSES = frozenset({DeliveryStatus.FAILED, DeliveryStatus.GIVING_UP})

# Not a domain event: what "send test event" delivers, so a receiver can be tried out.
TEST_EVENT = "webhook.test"
