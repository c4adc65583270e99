# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date, datetime, timedelta

from lxml import etree

from odoo import Command
from odoo.tests import tagged

from .common import ReturnCase

# Queries of the first page of the list (80 rows) and of one form, as the web client
# loads them (web_search_read / web_read with the specification of the view), measured
# on Odoo 18.0 as the Sales Manager with 1,000 records: the same at 10 records, but for
# the total that a full page counts (one query). Odoo's own sale.order takes 14 for its
# list and 50 for its form in the same test: our lists are 0.5x to 0.8x of its list.
# The budgets leave one query of room.
BUDGETS = {
    ("service.complaint", "list"): 11,
    ("service.complaint", "form"): 14,
    ("service.return", "list"): 12,
    ("service.return", "form"): 37,
    ("service.action", "list"): 8,
    ("service.action", "form"): 7,
    ("service.visit", "list"): 11,
    ("service.visit", "form"): 10,
}
SALE_LIST_RATIO = 1.5
LIST_LIMIT = 80


def view_specification(model, arch):
    """The specification the web client sends for ``arch``: every field of the view,
    many2one and x2many fields with their display name, inline x2many lists with their
    own fields."""
    spec = {}
    for node in arch:
        if not isinstance(node.tag, str):
            continue
        if node.tag == "field":
            name = node.get("name")
            field = model._fields[name]
            if field.type in ("one2many", "many2many"):
                sublist = node.find("list")
                comodel = model.env[field.comodel_name]
                spec[name] = {
                    "fields": view_specification(comodel, sublist) if sublist is not None else {"display_name": {}},
                    "limit": 40,
                }
            elif field.type == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        elif node.tag not in ("list", "kanban", "templates"):
            spec.update(view_specification(model, node))
    return spec


@tagged("post_install", "-at_install")
class TestQuerySlopeViews(ReturnCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.quant"]._update_available_quantity(cls.bearing, cls.stock, 1000)
        cls.order, cls.delivery = cls.sell_and_deliver([(cls.bearing, 1000, None)])

    def add_records(self, count):
        """``count`` complaints, return forms, actions, visits and sale orders, in batches."""
        sudo = self.env(su=True, context={"tracking_disable": True})
        now = datetime.now() - timedelta(days=1)
        sudo["service.complaint"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "description": "<p>Noise</p>",
                    "received_at": now,
                    "department_id": self.dep_inspection.id,
                    "responsible_user_id": self.inspector.id,
                    "user_id": self.sales.id,
                }
                for _i in range(count)
            ]
        )
        sudo["service.return"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "sale_order_id": self.order.id,
                    "picking_id": self.delivery.id,
                    "return_type_id": self.env.ref("customer_service_control.return_type_partial").id,
                    "line_ids": [
                        Command.create(
                            {"move_id": self.delivery.move_ids.id, "product_id": self.bearing.id, "quantity": 1}
                        )
                    ],
                }
                for _i in range(count)
            ]
        )
        sudo["service.action"].create(
            [
                {
                    "title": f"Action {i}",
                    "user_id": self.inspector.id,
                    "department_id": self.dep_inspection.id,
                    "due_date": date.today() + timedelta(days=30),
                    "description": "<p>Do</p>",
                }
                for i in range(count)
            ]
        )
        sudo["service.visit"].create(
            [
                {"partner_id": self.customer.id, "planned_date": date.today() + timedelta(days=i % 30)}
                for i in range(count)
            ]
        )
        sudo["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "user_id": self.sales.id,
                    "order_line": [Command.create({"product_id": self.bearing.id, "product_uom_qty": 1})],
                }
                for _i in range(count)
            ]
        )

    def load(self, user, model, warm_up=False):
        """Queries of the list's first page and of the first record's form (a first
        call, which fills the caches, is not held to the budgets)."""
        list_budget, form_budget = (
            (1000, 1000) if warm_up else (BUDGETS.get((model, "list"), 1000), BUDGETS.get((model, "form"), 1000))
        )
        Model = self.env(user=user, context={"lang": "en_US", "tz": "UTC"})[model]
        views = Model.get_views([(False, "list"), (False, "form")])["views"]
        list_spec = view_specification(Model, etree.fromstring(views["list"]["arch"]))
        form_spec = view_specification(Model, etree.fromstring(views["form"]["arch"]))
        self.env.flush_all()
        self.env.invalidate_all()
        with self.queries_at_most(list_budget) as list_load:
            result = Model.web_search_read([("id", ">", self.first_ids[model])], list_spec, limit=LIST_LIMIT)
        self.env.invalidate_all()
        with self.queries_at_most(form_budget) as form_load:
            Model.browse(result["records"][0]["id"]).web_read(form_spec)
        return list_load["queries"], form_load["queries"], len(result["records"])

    def test_list_and_form_loads_cost_the_same_at_10_and_1000_records(self):
        users = {
            "service.complaint": self.manager,
            "service.return": self.manager,
            "service.action": self.manager,
            "service.visit": self.manager,
            "sale.order": self.manager,
        }
        # Only the records of the test are listed (the demo data varies).
        self.first_ids = {model: self.env[model].search([], limit=1, order="id desc").id for model in users}

        def measure():
            for model, user in users.items():
                self.load(user, model, warm_up=True)  # creating records resets some caches
            return {model: self.load(user, model) for model, user in users.items()}

        self.add_records(10)
        small = measure()
        self.add_records(990)
        large = measure()
        sale_list = large.pop("sale.order")[0]
        for model, (list_queries, form_queries, rows) in large.items():
            self.assertEqual((small[model][2], rows), (10, LIST_LIMIT))
            # A full page also counts the records: one query more, whatever their number.
            self.assertEqual(list_queries, small[model][0] + 1, f"list of {model}")
            self.assertEqual(form_queries, small[model][1], f"form of {model}")
            self.assertLessEqual(list_queries, SALE_LIST_RATIO * sale_list, f"list of {model} against sale.order")
