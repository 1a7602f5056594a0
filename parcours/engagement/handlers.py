"""Triggers that react to learning events: each writes to the outbox through
`engagement.services.outbox.notify`, inside the transaction of the event."""
