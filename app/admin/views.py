"""Every back-office view, registered on each new Admin instance."""
from . import bulk_import, jail_views, officer_views, user_views


def register_views(admin) -> None:
    """Add every view to ``admin``."""
    officer_views.register(admin)
    bulk_import.register(admin)
    user_views.register(admin)
    jail_views.register(admin)
