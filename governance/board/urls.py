"""The board's pages, in the governance namespace (included by governance/urls.py)."""

from django.urls import path
from django.views.generic import RedirectView

from governance.board import views, views_case

urlpatterns = [
    path("prioritering/", views.board_page, name="prioritisation"),
    path("prioritering/eksport.csv", views.board_export, name="prioritisation-export"),
    path("prioritering/mine/", views_case.queue_page, name="board-queue"),
    path("prioritering/<int:cycle_pk>/flyt/", views.board_move_view, name="board-move"),
    path(
        "prioritering/<int:cycle_pk>/offentliggoer/",
        views_case.publish_page,
        name="prioritisation-publish",
    ),
    path("prioritering/<int:cycle_pk>/kriterier/", views_case.criteria_page, name="board-criteria"),
    path("prioritering/sager/<int:pk>/score/", views_case.score_page, name="board-score"),
    path(
        "prioritering/sager/<int:pk>/indstilling/",
        views_case.recommend_page,
        name="board-recommend",
    ),
    path(
        "prioritering/sager/<int:pk>/finansiering/",
        views_case.fund_case_view,
        name="board-fund-case",
    ),
    path(
        "prioritering/<int:cycle_pk>/finansiering/",
        views_case.fund_above_line_view,
        name="board-fund-above-line",
    ),
    # The old single assessment's address leads to the scoring of the case.
    path(
        "prioritering/sager/<int:pk>/vurdering/",
        RedirectView.as_view(pattern_name="governance:board-score"),
        name="assessment-edit",
    ),
]
