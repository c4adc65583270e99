# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from contextlib import contextmanager
from datetime import datetime

from odoo import Command
from odoo.api import call_kw
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, new_test_user

GROUP = "customer_service_control.group_service_"
SURVEY = "customer_service_control.survey_service_satisfaction"


def scored_questions(env):
    """The six scored questions of the shipped satisfaction questionnaire, in order."""
    return env.ref(SURVEY).question_ids.filtered(lambda q: q.question_type == "simple_choice").sorted("sequence")


def suggestion(question, points):
    """The choice of ``question`` worth ``points`` (5 = very satisfied … 1)."""
    return question.suggested_answer_ids.filtered(lambda a: a.answer_score == points)


def answer_survey(user_input, points, done=True):
    """Answer the six questions with ``points`` (one value for all, or one per question)
    through the survey's own API, as the survey page does."""
    questions = scored_questions(user_input.env)
    if isinstance(points, int):
        points = [points] * len(questions)
    user_input._mark_in_progress()
    for question, value in zip(questions, points, strict=True):
        user_input._save_lines(question, suggestion(question, value).id)
    if done:
        user_input._mark_done()
    return user_input


class ServiceCase(TransactionCase):
    """Users of every role, a key customer with a contact, routed departments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")

        def user(login, *roles, extra=""):
            groups = ",".join(["base.group_user"] + [GROUP + role for role in roles])
            return new_test_user(cls.env, login=login, groups=groups + extra, company_id=cls.company.id)

        cls.sales = user("t_sales", "user", extra=",sales_team.group_sale_salesman")
        cls.manager = user("t_manager", "manager", extra=",sales_team.group_sale_manager")
        cls.inspector = user("t_inspector", "inspector")
        cls.prod_manager = user("t_prod_manager", "production_manager")
        cls.technical = user("t_technical", "technical")
        cls.leader = user("t_leader", "leader")
        cls.vp = user("t_vp", "production_vp")
        cls.gm = user("t_gm", "general_manager")
        cls.company.service_manager_user_id = cls.manager

        cls.customer = cls.env["res.partner"].create(
            {"name": "Test Motor Works", "is_company": True, "is_key_customer": True, "user_id": cls.sales.id}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Zhang San", "parent_id": cls.customer.id})

        def department_led_by(xmlid, manager):
            department = cls.env.ref(f"customer_service_control.{xmlid}")
            employee = cls.env["hr.employee"].create(
                {"name": manager.name, "user_id": manager.id, "company_id": cls.company.id}
            )
            department.manager_id = employee
            return department

        cls.dep_inspection = department_led_by("dep_inspection", cls.inspector)
        cls.dep_production = department_led_by("dep_production", cls.prod_manager)
        cls.dep_technical = department_led_by("dep_technical", cls.technical)
        cls.dep_sales = department_led_by("dep_sales", cls.manager)

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    @staticmethod
    def dt(text):
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")

    def new_enquiry(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "channel": "phone",
            "subject": "Bearing clearance for a 4-pole motor",
        }
        values.update(vals)
        return self.env["service.enquiry"].with_user(user or self.sales).create(values)

    def new_complaint(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "description": "<p>Noise on 6205 bearings after 200 hours.</p>",
        }
        values.update(vals)
        return self.env["service.complaint"].with_user(user or self.sales).create(values)

    def routed_complaint(self, cause, **vals):
        """A complaint answered and routed for ``cause``, as the salesperson."""
        complaint = self.new_complaint(**vals)
        complaint.write({"response_type": "person"})
        complaint.action_respond()
        complaint.cause = cause
        complaint.action_start_analysis()
        return complaint

    def activities(self, record, xmlid, user=None):
        domain = [
            ("res_model", "=", record._name),
            ("res_id", "in", record.ids),
            ("activity_type_id", "=", self.env.ref(xmlid).id),
        ]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].search(domain)

    @contextmanager
    def refused(self, exception, regex):
        """Expect ``exception`` matching ``regex``; roll its changes back as a client
        request would, so that the test then sees what is really stored."""
        with self.assertRaisesRegex(exception, regex), self.env.cr.savepoint():
            yield
        self.env.invalidate_all(flush=False)

    @contextmanager
    def queries_at_most(self, budget):
        """Fail when the block (flush included) runs more than ``budget`` SQL queries.
        (Odoo's assertQueryCount reports through subTest, which plain pytest drops.)"""
        self.env.flush_all()
        self.env.cr.flush()
        start = self.env.cr.sql_log_count
        counter = {"queries": 0}
        yield counter
        self.env.flush_all()
        self.env.cr.flush()
        counter["queries"] = self.env.cr.sql_log_count - start
        if counter["queries"] > budget:
            self.fail(f"{counter['queries']} queries where the budget is {budget}")

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``method`` as an RPC client of ``user`` would: public methods only,
        through the same dispatcher (``call_kw``), with an empty context."""
        records = self.env(user=user, context={})[model]
        get_public_method(records, method)
        return call_kw(records, method, list(args), kwargs)


class ReturnCase(ServiceCase):
    """Graded bearings in stock, delivered on sale orders, and helpers to walk a
    Returned Product Handling Form through its roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        grade = "customer_service_control.grade_"
        Product = cls.env["product.product"]
        storable = {"type": "consu", "is_storable": True, "invoice_policy": "delivery"}
        cls.bearing = Product.create(
            dict(
                storable,
                name="Bearing 6308-ZZ Z3",
                list_price=40.0,
                precision_grade_id=cls.env.ref(grade + "precision_p5").id,
                vibration_grade_id=cls.env.ref(grade + "vibration_z3").id,
            )
        )
        cls.bearing_z2 = Product.create(
            dict(
                storable,
                name="Bearing 6308-ZZ Z2",
                list_price=35.0,
                precision_grade_id=cls.env.ref(grade + "precision_p5").id,
                vibration_grade_id=cls.env.ref(grade + "vibration_z2").id,
            )
        )
        cls.lot_bearing = Product.create(dict(storable, name="Bearing 6205-2RS", list_price=12.0, tracking="lot"))
        cls.lot_a, cls.lot_b = cls.env["stock.lot"].create(
            [
                {"name": "6205-A", "product_id": cls.lot_bearing.id, "company_id": cls.company.id},
                {"name": "6205-B", "product_id": cls.lot_bearing.id, "company_id": cls.company.id},
            ]
        )
        Quant = cls.env["stock.quant"]
        for product, lot, quantity in (
            (cls.bearing, None, 500),
            (cls.bearing_z2, None, 500),
            (cls.lot_bearing, cls.lot_a, 100),
            (cls.lot_bearing, cls.lot_b, 100),
        ):
            Quant._update_available_quantity(product, cls.stock, quantity, lot_id=lot)

    # ------------------------------------------------------------------
    # Stock helpers
    # ------------------------------------------------------------------
    def on_hand(self, product, lot=None):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "child_of", self.stock.id)]
            + ([("lot_id", "=", lot.id)] if lot else [])
        )
        return sum(quants.mapped("quantity"))

    @classmethod
    def sell_and_deliver(cls, lines, partner=None, shipped=None):
        """Confirm an order of ``lines`` [(product, qty, {lot: qty} or None)] and validate
        its delivery; ``shipped`` maps an ordered product to the one actually shipped."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "user_id": cls.sales.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty, "price_unit": product.list_price})
                    for product, qty, _lots in lines
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        for move in delivery.move_ids:
            if shipped and move.product_id in shipped:
                move.product_id = shipped[move.product_id]
        delivery.move_ids.move_line_ids.unlink()
        move_lines = []
        for (_product, qty, lots), move in zip(lines, delivery.move_ids.sorted("id"), strict=True):
            for lot, lot_qty in (lots or {None: qty}).items():
                move_lines.append(
                    {
                        "move_id": move.id,
                        "picking_id": delivery.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id if lot else False,
                        "quantity": lot_qty,
                        "location_id": cls.stock.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                )
        cls.env["stock.move.line"].create(move_lines)
        delivery.move_ids.picked = True
        delivery.button_validate()
        if delivery.state != "done":
            raise AssertionError(f"delivery {delivery.name} is {delivery.state}")
        return order, delivery

    def validate(self, picking):
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")

    # ------------------------------------------------------------------
    # Return helpers
    # ------------------------------------------------------------------
    def new_return(self, delivery, type_xmlid="return_type_partial", quantities=None, **vals):
        """A draft form from ``delivery`` as the salesperson; ``quantities`` maps
        (product, lot or None) to the quantity kept on the form (others removed)."""
        values = {
            "return_type_id": self.env.ref(f"customer_service_control.{type_xmlid}").id,
            "reason": "<p>Noise above the vibration grade at incoming inspection.</p>",
        }
        values.update(vals)
        ret = self.env["service.return"].with_user(self.sales)._create_from_pickings(delivery, **values)
        if quantities is not None:
            for line in ret.line_ids:
                quantity = quantities.get((line.product_id, line.lot_id or None))
                if quantity:
                    line.quantity = quantity
                else:
                    line.unlink()
        return ret

    def to_approval(self, ret, result="nonconforming"):
        """Sales Manager confirms, Production Manager organises, inspector re-inspects."""
        ret.with_user(self.manager).action_confirm()
        if ret.return_type_id.requires_inspection:
            ret.with_user(self.prod_manager).write({"inspector_ids": [Command.set(self.inspector.ids)]})
            ret.with_user(self.prod_manager).action_start_inspection()
            ret.line_ids.with_user(self.inspector).write(
                {"inspection_result": result, "defect": "Vibration 52 dB" if result == "nonconforming" else False}
            )
        ret.with_user(
            self.inspector if ret.return_type_id.requires_inspection else self.manager
        ).action_request_approval()
        self.assertEqual(ret.state, "approval")
        return ret

    def approvers(self, ret):
        by_group = {
            "customer_service_control.group_service_general_manager": self.gm,
            "customer_service_control.group_service_leader": self.leader,
            "customer_service_control.group_service_manager": self.manager,
        }
        return [by_group[step] for step in ret.return_type_id._approval_steps()]

    def approve(self, ret):
        for user in self.approvers(ret):
            ret.with_user(user).action_approve()
        self.assertIn(ret.state, ("approved", "done"))
        return ret


class SettlementCase(ReturnCase):
    """Orders in any unit, price list or delivery route, delivered step by step and
    invoiced in full or in part, to check what a return does to money and stock."""

    def sell(self, product, quantity, uom=None, price=None, pricelist=None):
        """Confirm an order of ``quantity`` ``product`` (in ``uom``) and deliver it in full;
        return the order and its last delivery, the one to the customer."""
        line = {"product_id": product.id, "product_uom_qty": quantity, "price_unit": price or product.list_price}
        if uom:
            line["product_uom"] = uom.id
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.sales.id,
                "order_line": [Command.create(line)],
            }
            | ({"pricelist_id": pricelist.id} if pricelist else {})
        )
        order.action_confirm()
        for _step in range(3):  # pick, pack, ship
            for picking in order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).sorted("id"):
                picking.action_assign()
                if picking.state == "assigned":
                    picking.move_ids.picked = True
                    picking.button_validate()
        delivery = order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")
        self.assertEqual(delivery.state, "done")
        return order, delivery

    def invoice(self, order, quantity=None):
        """Post the order's invoice, for ``quantity`` only when given."""
        invoice = order._create_invoices()
        if quantity is not None:
            invoice.invoice_line_ids.quantity = quantity
        invoice.action_post()
        return invoice

    def approved(self, ret):
        return self.approve(self.to_approval(ret))

    @staticmethod
    def receipts(ret):
        return ret.stock_picking_ids.filtered(lambda p: p.location_id.usage == "customer")

    @staticmethod
    def replacements(ret):
        return ret.stock_picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")
