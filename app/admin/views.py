"""Model views, registered on each new Admin instance."""


def register_views(admin) -> None:
    """Add every model view to ``admin``."""
