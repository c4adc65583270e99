# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from collections import Counter, defaultdict
from contextlib import contextmanager

from psycopg2.errors import LockNotAvailable

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from .service_return import OPEN_STATES
from .stock_move import MOVE_LABEL_KEY

# Cursor cache key: lines whose form write already locked the form and checked the inspector.
INSPECTION_CHECKED_KEY = "customer_service_control.inspection_checked"


class ServiceReturnLine(models.Model):
    """A returned product with its re-inspection column."""

    _name = "service.return.line"
    _description = "Returned Product"
    _order = "return_id, sequence, id"
    _check_company_auto = True

    return_id = fields.Many2one("service.return", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="return_id.company_id", store=True, index=True)
    state = fields.Selection(related="return_id.state")
    sequence = fields.Integer(default=10)
    move_id = fields.Many2one(
        "stock.move",
        "Delivery Line",
        required=True,
        help="The delivery and the product it shipped that the customer returns.",
        context={MOVE_LABEL_KEY: True},
        index=True,
        check_company=True,
        domain="[('state', '=', 'done'), ('location_dest_id.usage', '=', 'customer'), "
        "('product_id', '=?', product_id)]",
    )
    picking_id = fields.Many2one(related="move_id.picking_id", string="Delivery", store=True, index=True)
    return_type_id = fields.Many2one(related="return_id.return_type_id", store=True, index=True)
    settlement = fields.Selection(related="return_id.settlement", store=True)
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", check_company=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    reason = fields.Char("Line Reason")
    replacement_product_id = fields.Many2one(
        "product.product",
        compute="_compute_replacement_product_id",
        store=True,
        readonly=False,
        help="Shipped as replacement: the product itself, or the one ordered after a shipping error.",
    )
    return_move_id = fields.Many2one("stock.move", readonly=True, copy=False, index="btree_not_null")
    # Re-inspection column
    inspection_result = fields.Selection(
        [("conforming", "Conforming"), ("nonconforming", "Nonconforming")], "Re-inspection", copy=False
    )
    defect = fields.Text("Defect Found", copy=False)
    precision_grade_id = fields.Many2one(related="product_id.precision_grade_id", string="Nominal Precision")
    vibration_grade_id = fields.Many2one(related="product_id.vibration_grade_id", string="Nominal Vibration")
    measured_precision_grade_id = fields.Many2one(
        "service.product.grade", "Measured Precision", domain="[('grade_type', '=', 'precision')]", copy=False
    )
    measured_vibration_grade_id = fields.Many2one(
        "service.product.grade", "Measured Vibration", domain="[('grade_type', '=', 'vibration')]", copy=False
    )
    measured_values = fields.Char(copy=False, help="Readings taken, e.g. vibration in dB or µm run-out.")
    inspector_id = fields.Many2one("res.users", readonly=True, copy=False, help="Stamped when the result is recorded.")
    inspection_date = fields.Date(readonly=True, copy=False, help="Stamped when the result is recorded.")

    _INSPECTION_FIELDS = (
        "inspection_result",
        "defect",
        "measured_precision_grade_id",
        "measured_vibration_grade_id",
        "measured_values",
        "inspector_id",
        "inspection_date",
    )
    # Stamped by the server when an inspector records a result.
    _INSPECTION_STAMP_FIELDS = ("inspector_id", "inspection_date")
    _FORM_FIELDS = ("move_id", "product_id", "lot_id", "quantity", "return_id", "reason", "replacement_product_id")

    @api.depends("move_id")
    def _compute_replacement_product_id(self):
        for line in self:
            line.replacement_product_id = line.move_id.sale_line_id.product_id or line.product_id

    @api.onchange("move_id")
    def _onchange_move_id(self):
        if self.move_id:
            self.product_id = self.move_id.product_id
            lots = self.move_id.move_line_ids.lot_id
            self.lot_id = lots if len(lots) == 1 else False

    # ------------------------------------------------------------------
    # CRUD and checks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_no_inspection_result()
        lines._check_form_editable()
        lines._check_returnable()
        return lines

    def write(self, vals):
        if set(vals) & set(self._FORM_FIELDS):
            self._check_form_editable()
        if set(vals) & set(self._INSPECTION_FIELDS) and not self.env.su:
            if set(vals) & set(self._INSPECTION_STAMP_FIELDS):
                raise UserError(
                    self.env._(
                        "The inspector and the date of a re-inspection result are stamped when the result is "
                        "recorded; they cannot be entered."
                    )
                )
            if not self._in_checked_inspection():
                self.return_id._lock_for_transition()
                self.return_id._check_can_record_inspection()
            vals = dict(vals, inspector_id=self.env.uid, inspection_date=fields.Date.context_today(self))
        res = super().write(vals)
        if set(vals) & set(self._FORM_FIELDS):
            self._check_returnable()
        return res

    @api.model
    def _commands_record_inspection(self, commands):
        """Whether one2many ``commands`` of a form write re-inspection results of lines."""
        return any(
            isinstance(command, (list, tuple))
            and command[0] == Command.UPDATE
            and isinstance(command[2], dict)
            and set(command[2]) & set(self._INSPECTION_FIELDS)
            for command in commands or ()
        )

    @contextmanager
    def _inspection_checked(self):
        """While the form's write runs: these lines' forms are locked and the current user
        may record their results, so that each line's write need not check again. Kept
        in the cursor's cache (not the context, which a client sets), for these lines and
        this user only."""
        marker = self.env.cr.cache.setdefault(INSPECTION_CHECKED_KEY, Counter())
        keys = [(self.env.uid, line_id) for line_id in self.ids]
        marker.update(keys)
        try:
            yield
        finally:
            marker.subtract(keys)
            for key in keys:
                if marker[key] <= 0:
                    del marker[key]

    def _in_checked_inspection(self):
        marker = self.env.cr.cache.get(INSPECTION_CHECKED_KEY)
        return bool(marker) and all((self.env.uid, line_id) in marker for line_id in self.ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self._check_form_editable()

    def _check_no_inspection_result(self):
        """A product is added to the form without result: the assigned inspectors record it
        later (what was stored is checked, context defaults included)."""
        if self.env.su:
            return
        inspected = self.filtered(lambda line: any(line[name] for name in self._INSPECTION_FIELDS))
        if inspected:
            raise UserError(
                self.env._(
                    "%(product)s cannot be added with a re-inspection result: the inspectors assigned to the "
                    "form record it during the re-inspection.",
                    product=inspected[0].product_id.display_name,
                )
            )

    def _check_form_editable(self):
        if self.env.su:
            return
        started = self.return_id.filtered(lambda r: r.state != "draft")
        if started:
            raise UserError(
                self.env._("The products of %(ret)s can only be changed while it is a draft.", ret=started[0].name)
            )

    def _lock_moves(self, moves):
        """Lock the delivered moves being returned, so that two forms drafted or confirmed
        at the same moment cannot together return more than was delivered (FOR NO KEY
        UPDATE: the FOR UPDATE that still lets rows referring to the move be inserted,
        e.g. the other form's line, so that it fails here clearly instead of waiting). The no-op
        update makes a transaction that started before a concurrent one committed fail
        with a serialization error (Odoo retries the request) instead of counting on a
        stale snapshot."""
        if not moves:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM stock_move WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    [tuple(moves.ids)],
                    log_exceptions=False,  # an expected refusal, not an error of the log
                )
        except LockNotAvailable:
            raise UserError(
                self.env._(
                    "The goods of %(deliveries)s are being returned by another user; try again in a moment.",
                    deliveries=", ".join(filter(None, moves.sudo().picking_id.mapped("name"))),
                )
            ) from None
        self.env.cr.execute("UPDATE stock_move SET write_date = write_date WHERE id IN %s", [tuple(moves.ids)])

    def _check_returnable(self):
        """Each line returns a positive quantity of a product and lot that this customer
        received in that delivery, within what is not returned yet (set-based). The
        delivered moves are locked first: returns made meanwhile (Odoo's Return button,
        other open forms) are counted."""
        self.env.flush_all()
        self._lock_moves(self.move_id)
        for line in self:
            if float_compare(line.quantity, 0.0, precision_rounding=line.uom_id.rounding or 0.01) <= 0:
                raise UserError(
                    self.env._(
                        "The quantity of %(product)s to return must be positive.", product=line.product_id.display_name
                    )
                )
            move = line.move_id
            delivered_to = (move.picking_id.partner_id or move.partner_id).commercial_partner_id
            if (
                move.product_id != line.product_id
                or move.state != "done"
                or move.location_dest_id.usage != "customer"
                or delivered_to != line.return_id.partner_id.commercial_partner_id
            ):
                raise UserError(
                    self.env._(
                        "%(product)s was never delivered to %(customer)s in %(delivery)s: it cannot be returned.",
                        product=line.product_id.display_name,
                        customer=line.return_id.partner_id.display_name,
                        delivery=move.picking_id.name or move.reference,
                    )
                )
            if line.product_id.tracking != "none" and not line.lot_id:
                raise UserError(
                    self.env._(
                        "Give the lot/serial number of the returned %(product)s.", product=line.product_id.display_name
                    )
                )
        available = self._returnable_quantities(self.move_id, exclude_lines=self)
        wanted = defaultdict(float)
        wanted_move = defaultdict(float)
        for line in self:
            wanted[(line.move_id, line.lot_id)] += line.quantity
            wanted_move[line.move_id] += line.quantity
        for line in self:
            move, lot = line.move_id, line.lot_id
            rounding = move.product_uom.rounding
            left_move = sum(qty for (m, _lot), qty in available.items() if m == move)
            if lot and (move, lot) not in available:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(product)s was not delivered in %(delivery)s.",
                        lot=lot.name,
                        product=line.product_id.display_name,
                        delivery=move.picking_id.name or move.reference,
                    )
                )
            left = available.get((move, lot), 0.0) if lot else left_move
            asked = wanted[(move, lot)] if lot else wanted_move[move]
            if (
                float_compare(asked, left, precision_rounding=rounding) > 0
                or float_compare(wanted_move[move], left_move, precision_rounding=rounding) > 0
            ):
                product = line.product_id.display_name + (" (%s)" % lot.name if lot else "")
                raise UserError(
                    self.env._(
                        "Only %(left)s %(unit)s of %(product)s from %(delivery)s can still be returned; "
                        "%(asked)s were asked.",
                        left=float_round(max(left, 0.0), precision_rounding=rounding),
                        unit=line.uom_id.name,
                        product=product,
                        delivery=move.picking_id.name or move.reference,
                        asked=asked,
                    )
                )

    @api.model
    def _returnable_quantities(self, moves, exclude_lines=None):
        """{(move, lot): quantity still returnable}, in the product's unit, for delivered
        moves: delivered, minus what return transfers (not cancelled) take back, minus the
        lines of open forms that have no transfer yet. A return transfer whose lots are
        not known yet is kept under an empty lot: it counts against the move's total."""
        result = defaultdict(float)
        if not moves:
            return result
        MoveLine = self.env["stock.move.line"].sudo()
        no_lot = self.env["stock.lot"]
        for move, lot, quantity in MoveLine._read_group(
            [("move_id", "in", moves.ids)], ["move_id", "lot_id"], ["quantity_product_uom:sum"]
        ):
            result[(move, lot)] += quantity
        returns = (
            self.env["stock.move"]
            .sudo()
            .search([("origin_returned_move_id", "in", moves.ids), ("state", "!=", "cancel")])
        )
        with_lines = defaultdict(float)
        for rmove, lot, quantity in MoveLine._read_group(
            [("move_id", "in", returns.ids)], ["move_id", "lot_id"], ["quantity_product_uom:sum"]
        ):
            result[(rmove.origin_returned_move_id, lot)] -= quantity
            with_lines[rmove] += quantity
        for rmove in returns:
            rest = rmove.product_qty - with_lines[rmove]
            if float_compare(rest, 0.0, precision_rounding=rmove.product_uom.rounding) > 0:
                result[(rmove.origin_returned_move_id, no_lot)] -= rest
        open_domain = [
            ("move_id", "in", moves.ids),
            ("return_move_id", "=", False),
            ("return_id.state", "in", list(OPEN_STATES)),
        ]
        if exclude_lines:
            open_domain.append(("id", "not in", exclude_lines.ids))
        for move, lot, quantity in self.sudo()._read_group(open_domain, ["move_id", "lot_id"], ["quantity:sum"]):
            result[(move, lot)] -= quantity
        return dict(result)
