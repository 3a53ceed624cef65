"""What the points rules refuse, with a message for the person who asked."""


class PointsError(ValueError):
    """A refused ledger operation; the message is for the person who asked."""


class AlreadyDone(PointsError):
    """The same form was sent twice; the first one counted."""
