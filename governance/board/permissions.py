"""Who may do what on the board. Views check these; the services check again."""

from portfolio.models import Role


def can_use_board(user) -> bool:
    """The IT directors' circle and the secretariat work on the board: they read it,
    score, reorder and recommend. Nobody else sees it before publication."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role(Role.IT_DIRECTORS, Role.SECRETARIAT)
    )


def can_score(user) -> bool:
    return can_use_board(user)


def sees_all_scores(user) -> bool:
    """The secretariat runs the board and reads every score; a director reads the
    others' scores of a case only once they have scored it (sealed scoring)."""
    return user.is_authenticated and user.is_active and user.has_role(Role.SECRETARIAT)


def can_publish_board(user) -> bool:
    """Publishing the board moves the qualified cases: whoever the workflow table lets
    publish the prioritisation (``governance.permissions``)."""
    from governance.permissions import can_publish_prioritisation

    return can_publish_prioritisation(user)


def can_set_criteria(user) -> bool:
    return can_publish_board(user)
