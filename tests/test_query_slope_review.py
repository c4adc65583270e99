# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import ReturnCase

# The statistics of a half-year, measured on Odoo 18.0, the same whether the half-year
# holds 10 or 1,000 complaints and return forms: 12 queries to compute them (grouped
# counts), 28 for the review's Recompute button (with the lock, the breakdown lines
# rewritten and the figures written), 17 to open the overview (before: 31 and 20;
# complaints and returns are now grouped once each).
STATISTICS = 13
RECOMPUTE = 30
OVERVIEW = 19
CAUSES = ("quality", "design", "transport", False)
SETTLEMENTS = ("replacement", "refund")
NOW = "2031-06-30 12:00:00"


@tagged("post_install", "-at_install")
class TestQuerySlopeReview(ReturnCase):
    """A half-year far from the demo data (2031 H1) filled in batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.quant"]._update_available_quantity(cls.bearing, cls.stock, 1000)
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 1000, None)])
        cls.move = cls.delivery.move_ids
        cls.types = cls.env.ref("customer_service_control.return_type_partial") | cls.env.ref(
            "customer_service_control.return_type_selection_error"
        )

    added = 0

    @freeze_time(NOW)
    def add_records(self, count):
        """``count`` complaints and ``count`` return forms of one line each, in 2031 H1;
        the n-th of each (counted across calls) has the n-th cause, type and settlement."""
        start = datetime(2031, 1, 5, 8, 0)
        complaints = []
        first, self.added = self.added, self.added + count
        for i in range(first, self.added):
            received = start + timedelta(hours=i % 3000)
            complaints.append(
                {
                    "partner_id": self.customer.id,
                    "description": "<p>Noise</p>",
                    "received_at": received,
                    "responded_at": received + timedelta(hours=24 if i % 4 else 72),
                    "response_type": "letter",
                    "cause": CAUSES[i % 4],
                    "state": "resolved" if i % 2 else "in_analysis",
                    "resolved_at": received + timedelta(days=3) if i % 2 else False,
                }
            )
        self.env["service.complaint"].sudo().with_context(tracking_disable=True).create(complaints)
        self.env["service.return"].sudo().with_context(tracking_disable=True).create(
            [
                {
                    "partner_id": self.customer.id,
                    "sale_order_id": self.order.id,
                    "picking_id": self.delivery.id,
                    "return_type_id": self.types[i % 2].id,
                    "settlement": SETTLEMENTS[i % 2],
                    "date": date(2031, 2, 1) + timedelta(days=i % 120),
                    "state": "confirmed",
                    "line_ids": [
                        Command.create({"move_id": self.move.id, "product_id": self.bearing.id, "quantity": 1})
                    ],
                }
                for i in range(first, self.added)
            ]
        )

    def measure(self, warm_up=False):
        """Queries of the statistics of the review, of its Recompute button (which also
        rewrites the breakdown and the figures) and of opening the overview. The first
        calls, which fill the caches, are not held to the budgets."""
        budgets = (1000, 1000, 1000) if warm_up else (STATISTICS, RECOMPUTE, OVERVIEW)
        Review = self.env["service.review"].with_user(self.manager)
        with freeze_time(NOW):
            review = Review.search([("period_start", "=", "2031-01-01")]) or Review.create(
                {"period_start": date(2031, 1, 1), "period_end": date(2031, 6, 30), "user_id": self.manager.id}
            )
            self.env.invalidate_all()
            with self.queries_at_most(budgets[0]) as statistics:
                review._statistics()
            with self.queries_at_most(budgets[1]):
                review.action_recompute()
            self.env.invalidate_all()
            with self.queries_at_most(budgets[2]) as overview:
                Review.action_open_current_half_year()
        return review, statistics["queries"], overview["queries"]

    def test_statistics_cost_the_same_at_10_and_1000_records(self):
        self.add_records(5)
        # The first two calls fill the caches; they are not measured.
        self.measure(warm_up=True)
        self.measure(warm_up=True)
        self.add_records(5)  # the figures change, so they are written again
        _review, *small = self.measure()
        self.add_records(990)
        review, *large = self.measure()
        self.assertEqual(small, large)
        # The figures are exact.
        self.assertEqual((review.complaint_count, review.complaint_in_time_count), (1000, 750))
        self.assertEqual(review.complaint_resolve_days, 3.0)
        self.assertEqual((review.return_count, review.return_quantity), (1000, 1000.0))
        figures = {(line.category, line.key): line.count for line in review.stat_line_ids if line.count}
        self.assertEqual(
            {key: count for key, count in figures.items() if key[0] != "satisfaction_trend"},
            {
                ("complaint_cause", "quality"): 250,
                ("complaint_cause", "design"): 250,
                ("complaint_cause", "transport"): 250,
                ("complaint_cause", ""): 250,
                ("return_type", str(self.types[0].id)): 500,
                ("return_type", str(self.types[1].id)): 500,
                ("return_settlement", "refund"): 500,
                ("return_settlement", "replacement"): 500,
            },
        )
        quantities = {line.key: line.value for line in review.stat_line_ids if line.category == "return_type"}
        self.assertEqual(quantities, {str(rtype.id): 500.0 for rtype in self.types})
