# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_round, format_amount, formatLang, is_html_empty

from ..const import GROUP_GM, GROUP_INSPECTOR, GROUP_MANAGER, GROUP_PRODUCTION_MANAGER, GROUP_USER
from .service_customer_mail import TEMPLATE_RETURN_APPROVED, TEMPLATE_RETURN_REFUSED
from .service_mixin import cached_ref, recipient_env
from .service_portal import portal_groups_with_token
from .service_return_type import SETTLEMENTS

OPEN_STATES = ("draft", "confirmed", "inspection", "approval", "approved")
ACT_APPROVAL = "customer_service_control.mail_act_return_approval"
ACT_INSPECTION = "customer_service_control.mail_act_return_inspection"
# The form's transfers: what comes back from the customer, and the replacement's steps.
RECEIPT_DOMAIN = [("location_id.usage", "=", "customer")]
REPLACEMENT_DOMAIN = [("location_id.usage", "!=", "customer")]


class ServiceReturn(models.Model):
    """The Returned Product Handling Form (退回产品处理单, procedure 4.2.3).

    Approval rule (4.2.3.2): the steps a form needs are fixed on it when the Sales
    Manager confirms it — the return type's approver, then always the General
    Manager's final approval. Each step is signed once, by a holder of its role, and
    nobody signs two steps of one form. An intermediate step (leadership, Sales
    Manager) belongs to the holders of its role other than the General Managers, who
    sign last; when nobody but General Managers holds that role in the form's
    company, the General Manager's final signature covers the step too, so that a
    company whose only leader is its GM can still finish a return.
    """

    _name = "service.return"
    _description = "Returned Product Handling Form"
    _inherit = [
        "service.workflow.mixin",
        "service.customer.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "service.return"
    _draft_states = ("draft",)
    _refusal_methods = ("action_refuse",)
    _transition_fields = (
        "state",
        "confirmed_by_id",
        "confirmed_at",
        "refused_by_id",
        "refusal_reason",
        "settled_at",
        "inspection_required",
        "nonconformity_required",
    )
    # Read-only once the form left the draft, by every path (the lines guard themselves:
    # the inspectors record their results through the form's one2many).
    _FROZEN_AFTER_DRAFT = (
        "partner_id",
        "sale_order_id",
        "picking_id",
        "date",
        "company_id",
        "reason",
        "return_type_id",
        "settlement",
        "compensation_amount",
    )
    # The Sales Manager's page (4.2.3.1 ③), filled in before confirming.
    _SHIPPING_ERROR_FIELDS = ("shipping_error_kind", "shipping_error_cause")
    # can_* flag -> the check its button's method runs.
    _CAN_CHECKS = {
        "can_ask_confirmation": "_check_can_ask_confirmation",
        "can_confirm": "_check_can_confirm",
        "can_start_inspection": "_check_can_start_inspection",
        "can_assign_inspectors": "_check_can_assign_inspectors",
        "can_record_inspection": "_check_can_record_inspection",
        "can_request_approval": "_check_can_request_approval",
        "can_approve": "_check_can_approve",
        "can_refuse": "_check_can_refuse",
        "can_cancel": "_check_can_cancel",
        "can_edit_shipping_error": "_check_can_edit_shipping_error",
    }

    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("inspection", "Re-inspection"),
            ("approval", "Approval"),
            ("approved", "Approved"),
            ("done", "Done"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        group_expand=True,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    return_type_id = fields.Many2one("service.return.type", required=True, tracking=True)
    sale_order_id = fields.Many2one("sale.order", index=True, check_company=True, tracking=True)
    picking_id = fields.Many2one(
        "stock.picking",
        "Original Delivery",
        check_company=True,
        index="btree_not_null",
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done')]",
    )
    complaint_id = fields.Many2one("service.complaint", index=True, check_company=True, tracking=True)
    date = fields.Date("Form Date", default=fields.Date.context_today, required=True, index=True)
    reason = fields.Html("Reason for the Return")
    line_ids = fields.One2many("service.return.line", "return_id", "Returned Products", copy=True)
    # Settlement
    settlement = fields.Selection(SETTLEMENTS, required=True, default="replacement", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    compensation_amount = fields.Monetary(tracking=True)
    # Shipping error (type 3)
    shipping_error_kind = fields.Selection(
        [
            ("model", "Model"),
            ("precision_grade", "Precision Grade"),
            ("vibration_grade", "Vibration Grade"),
            ("quantity", "Quantity"),
        ],
        "What Was Wrong",
        tracking=True,
    )
    shipping_error_cause = fields.Text("Cause of the Shipping Error", tracking=True)
    # Approvals
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    inspection_required = fields.Boolean(
        readonly=True, copy=False, help="Fixed from the return type when the form was confirmed."
    )
    nonconformity_required = fields.Boolean(
        readonly=True, copy=False, help="Fixed from the return type when the form was confirmed."
    )
    inspector_ids = fields.Many2many(
        "res.users",
        string="Inspectors",
        copy=False,
        domain=lambda self: [("groups_id", "in", cached_ref(self.env, GROUP_INSPECTOR).id)],
        tracking=True,
    )
    approval_ids = fields.One2many("service.return.approval", "return_id", readonly=True, copy=False)
    next_approver_group_id = fields.Many2one("res.groups", compute="_compute_next_approver", string="Next Approval By")
    refused_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    refusal_reason = fields.Text(readonly=True, copy=False, tracking=True)
    # Stock and money
    stock_picking_ids = fields.One2many("stock.picking", "service_return_id", "Transfers", readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count")
    receipt_count = fields.Integer("Return Receipts", compute="_compute_picking_count")
    replacement_count = fields.Integer("Replacement Transfers", compute="_compute_picking_count")
    credit_note_ids = fields.One2many("account.move", "service_return_id", "Credit Notes", readonly=True)
    credit_note_count = fields.Integer(compute="_compute_credit_note_count")
    settled_at = fields.Datetime(readonly=True, copy=False)
    action_ids = fields.One2many("service.action", "return_id", "Corrective Actions")
    action_count = fields.Integer(compute="_compute_action_count")
    has_nonconforming = fields.Boolean(compute="_compute_inspection_summary")
    inspection_complete = fields.Boolean(compute="_compute_inspection_summary")
    # What the current user may do (the buttons and read-only fields of the form)
    can_ask_confirmation = fields.Boolean(compute="_compute_can")
    can_confirm = fields.Boolean(compute="_compute_can")
    can_start_inspection = fields.Boolean(compute="_compute_can")
    can_assign_inspectors = fields.Boolean(compute="_compute_can")
    can_record_inspection = fields.Boolean(compute="_compute_can")
    can_request_approval = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")
    can_refuse = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    can_edit_shipping_error = fields.Boolean(compute="_compute_can")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        return portal_groups_with_token(self, groups, msg_vals)

    def _compute_access_url(self):
        for form in self:
            form.access_url = f"/my/returns/{form.id}"

    @api.depends("approval_ids.state", "state")
    def _compute_next_approver(self):
        for ret in self:
            pending = ret._pending_steps() if ret.state == "approval" else ret.approval_ids.browse()
            ret.next_approver_group_id = pending[:1].group_id

    def _compute_picking_count(self):
        """Transfers of the form the reader may read (none without Inventory or Sales
        rights, so that the smart buttons hide instead of failing)."""
        receipts, replacements = {}, {}
        Picking = self.env["stock.picking"]
        if self.ids and Picking.has_access("read"):
            domain = [("service_return_id", "in", self.ids)]
            receipts = dict(Picking._read_group(domain + RECEIPT_DOMAIN, ["service_return_id"], ["__count"]))
            replacements = dict(Picking._read_group(domain + REPLACEMENT_DOMAIN, ["service_return_id"], ["__count"]))
        for ret in self:
            ret.receipt_count = receipts.get(ret, 0)
            ret.replacement_count = replacements.get(ret, 0)
            ret.picking_count = ret.receipt_count + ret.replacement_count

    def _compute_credit_note_count(self):
        counts = {}
        Move = self.env["account.move"]
        if self.ids and Move.has_access("read"):
            counts = dict(Move._read_group([("service_return_id", "in", self.ids)], ["service_return_id"], ["__count"]))
        for ret in self:
            ret.credit_note_count = counts.get(ret, 0)

    def _compute_action_count(self):
        counts = dict(
            self.env["service.action"]._read_group([("return_id", "in", self.ids)], ["return_id"], ["__count"])
        )
        for ret in self:
            ret.action_count = counts.get(ret, 0)

    @api.depends("line_ids.inspection_result")
    def _compute_inspection_summary(self):
        for ret in self:
            results = ret.line_ids.mapped("inspection_result")
            ret.has_nonconforming = "nonconforming" in results
            ret.inspection_complete = bool(ret.line_ids) and all(results)

    @api.depends_context("uid")
    @api.depends(
        "state",
        "reason",
        "line_ids",
        "settlement",
        "compensation_amount",
        "return_type_id",
        "shipping_error_kind",
        "shipping_error_cause",
        "inspector_ids",
        "line_ids.inspection_result",
        "line_ids.inspector_id",
        "approval_ids.state",
    )
    def _compute_can(self):
        """The same checks as the buttons' methods, for the current user."""
        for ret in self:
            for flag, check in self._CAN_CHECKS.items():
                try:
                    getattr(ret, check)()
                except (AccessError, UserError, ValidationError):
                    ret[flag] = False
                else:
                    ret[flag] = True

    # ------------------------------------------------------------------
    # Onchange
    # ------------------------------------------------------------------
    @api.onchange("return_type_id")
    def _onchange_return_type_id(self):
        allowed = self.return_type_id._allowed_settlements() if self.return_type_id else []
        if allowed and self.settlement not in allowed:
            self.settlement = allowed[0]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("partner_id", "sale_order_id", "picking_id", "line_ids")
    def _check_lines_match_customer_and_order(self):
        """The customer, the order and the delivery of the form are those of its lines:
        the credit note and the replacement go to whoever sent the goods back. Checked as
        superuser: an inspector saving a result through the form writes its lines without
        reading sale orders or transfers."""
        for ret in self.sudo():
            customer = ret.partner_id.commercial_partner_id
            order = ret.sale_order_id
            if order and order.partner_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "The order %(order)s of %(ret)s was placed by %(buyer)s, not by %(customer)s.",
                        order=order.name,
                        ret=ret.name,
                        buyer=order.partner_id.commercial_partner_id.display_name,
                        customer=customer.display_name,
                    )
                )
            for line in ret.line_ids:
                move = line.move_id
                delivered_to = (move.picking_id.partner_id or move.partner_id).commercial_partner_id
                wrong = False
                if delivered_to != customer:
                    wrong = self.env._("was delivered to %(partner)s", partner=delivered_to.display_name)
                elif order and move.sale_line_id.order_id != order:
                    wrong = self.env._(
                        "was sold on %(order)s", order=move.sale_line_id.order_id.name or self.env._("no order")
                    )
                elif ret.picking_id and move.picking_id != ret.picking_id:
                    wrong = self.env._("came with %(delivery)s", delivery=move.picking_id.name)
                if wrong:
                    raise ValidationError(
                        self.env._(
                            "%(product)s on %(ret)s %(wrong)s: the customer, order and delivery of the form "
                            "must be those of its returned products.",
                            product=line.product_id.display_name,
                            ret=ret.name,
                            wrong=wrong,
                        )
                    )

    @api.constrains("inspector_ids")
    def _check_inspectors(self):
        inspector_group = cached_ref(self.env, GROUP_INSPECTOR)
        inspectors = (
            self.env["res.users"]
            .sudo()
            .search([("id", "in", self.inspector_ids.ids), ("groups_id", "in", inspector_group.id)])
        )
        for ret in self:
            others = ret.inspector_ids - inspectors
            if others:
                raise ValidationError(
                    self.env._(
                        "%(users)s cannot re-inspect %(ret)s: inspectors need the role “%(role)s”.",
                        users=", ".join(others.mapped("name")),
                        ret=ret.name,
                        role=inspector_group.sudo().name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        returns = super().create(vals_list)
        if not self.env.su:
            # What was stored, context defaults included.
            if returns.filtered("inspector_ids"):
                returns._check_role([GROUP_PRODUCTION_MANAGER], self.env._("Assigning inspectors"))
            if returns.filtered(lambda r: any(r[name] for name in self._SHIPPING_ERROR_FIELDS)):
                returns._check_role([GROUP_MANAGER], self.env._("Recording the shipping error"))
        return returns

    def write(self, vals):
        if not self.env.su:
            if "inspector_ids" in vals:
                self._check_can_assign_inspectors()
            if set(vals) & set(self._SHIPPING_ERROR_FIELDS):
                self._check_can_edit_shipping_error()
            frozen = set(vals) & set(self._FROZEN_AFTER_DRAFT)
            started = self.filtered(lambda r: r.state != "draft")
            if frozen and started:
                raise UserError(
                    self.env._(
                        "%(fields)s of %(ret)s can only be changed while it is a draft.",
                        fields=", ".join(sorted(self._fields[name]._description_string(self.env) for name in frozen)),
                        ret=started[0].name,
                    )
                )
            if "inspector_ids" not in vals and self.env["service.return.line"]._commands_record_inspection(
                vals.get("line_ids")
            ):
                # The form view saves the results of all its lines at once, one command
                # per line: lock the forms and check the inspector once for all of them
                # (each line still checks itself when its form's inspectors change too).
                self._lock_for_transition()
                self._check_can_record_inspection()
                with self.line_ids._inspection_checked():
                    return super().write(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_ask_confirmation(self):
        """The handler has filled in the form: ask the Sales Manager to confirm it. The
        shipping-error page is the manager's: it is not needed yet."""
        self._lock_for_transition()
        self._check_can_ask_confirmation()
        assignments = []
        for ret in self:
            manager = ret.company_id.service_manager_user_id or ret._users_with_role(GROUP_MANAGER, ret.company_id)[:1]
            if manager and not ret.activity_search([ACT_APPROVAL], user_id=manager.id):
                summary = recipient_env(self.env, manager)._("Confirm return %(ret)s", ret=ret.name)
                assignments.append((ret, manager, summary))
        self._schedule_activities(ACT_APPROVAL, assignments)
        return True

    def action_confirm(self):
        """The Sales Manager confirms the handler's form (4.2.3.2); every return is
        confirmed by him. The quantities are checked again under a lock, and the
        approval steps are fixed on the form."""
        self._lock_for_transition()
        self._check_can_confirm()
        self.line_ids.sudo()._check_returnable()
        now = fields.Datetime.now()
        self._close_activities(ACT_APPROVAL)
        to_inspect = self.browse()
        for ret in self:
            rtype = ret.return_type_id
            ret._write_transition(
                {
                    "state": "confirmed",
                    "confirmed_by_id": self.env.user.id,
                    "confirmed_at": now,
                    "inspection_required": rtype.requires_inspection,
                    "nonconformity_required": rtype.requires_inspection and rtype.requires_nonconformity,
                }
            )
            ret._log_approval("confirmation", group=cached_ref(self.env, GROUP_MANAGER))
            ret._create_approval_steps()
            if ret.inspection_required:
                to_inspect |= ret
        to_inspect._notify_production()
        return True

    def action_start_inspection(self):
        """The Production Manager assigns the inspectors who re-inspect the goods."""
        self._lock_for_transition()
        self._check_can_start_inspection()
        self._write_transition({"state": "inspection"})
        self._close_activities(ACT_INSPECTION)
        self._schedule_activities(
            ACT_INSPECTION,
            [
                (
                    ret,
                    inspector,
                    recipient_env(self.env, inspector)._("Re-inspect the returned goods of %(ret)s", ret=ret.name),
                )
                for ret in self
                for inspector in ret.inspector_ids
            ],
        )
        return True

    def action_request_approval(self):
        """Send the form to its approvers: after the re-inspection (an assigned inspector
        or the Production Manager), or after confirmation when the type needs none
        (the Sales Manager). The re-inspection results are frozen from then on."""
        self._lock_for_transition()
        self._check_can_request_approval()
        self._write_transition({"state": "approval"})
        self._close_activities(ACT_INSPECTION)
        self._schedule_next_approval()
        return True

    def action_approve(self):
        """Sign the next step of the form; the last signature carries the return out,
        once the quantities were checked again under a lock."""
        self._lock_for_transition()
        signable = self._check_can_approve()
        now = fields.Datetime.now()
        for ret in self:
            steps = signable[ret]
            # A final signature also signs the steps before it that nobody else may sign.
            final = steps.filtered("is_final")
            covered = steps - final if final else steps.browse()
            for step in steps:
                step.sudo().write(
                    {
                        "state": "approved",
                        "user_id": self.env.user.id,
                        "date": now,
                        "note": self.env._(
                            "Covered by the General Manager's final approval: nobody else holds this role in "
                            "%(company)s.",
                            company=ret.company_id.name,
                        )
                        if step in covered
                        else False,
                    }
                )
            ret._close_activities(ACT_APPROVAL)
            ret._message_log(
                body=self.env._("Approved: %(steps)s.", steps=", ".join(steps.group_id.sudo().mapped("name")))
            )
            if ret._pending_steps():
                ret._schedule_next_approval()
            else:
                ret.line_ids.sudo()._check_returnable()  # the approver need not read stock
                ret._write_transition({"state": "approved"})
                ret._carry_out()
                ret._send_customer_email(TEMPLATE_RETURN_APPROVED)
        return True

    def action_refuse(self, reason):
        """Refuse with a reason: the Sales Manager before the approval, then whoever may
        sign the current step. The handler is told."""
        self._lock_for_transition()
        if not reason or not reason.strip():
            raise UserError(self.env._("Give the reason for refusing the return."))
        self._check_can_refuse()
        reason = reason.strip()
        now = fields.Datetime.now()
        for ret in self:
            step = ret._steps_signable_by(self.env.user)[:1] if ret.state == "approval" else False
            if step:
                step.sudo().write({"state": "refused", "user_id": self.env.user.id, "date": now, "note": reason})
            else:
                ret._log_approval("refusal", note=reason)
            ret._write_transition({"state": "refused", "refused_by_id": self.env.user.id, "refusal_reason": reason})
            ret._close_activities(ACT_APPROVAL, ACT_INSPECTION)
            ret.message_post(
                body=self.env._("Return refused: %(reason)s", reason=reason),
                partner_ids=ret.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        self._send_customer_email(TEMPLATE_RETURN_REFUSED)
        return True

    def action_open_refuse_wizard(self):
        self._check_can_refuse()
        return self.env["service.refuse.wizard"]._open_for(self, "action_refuse")

    def action_cancel(self):
        """Cancel the return and its open transfers; refused once a transfer is done."""
        self._lock_for_transition()
        self._check_can_cancel()
        self._check_stock_cancellable()
        self._write_transition({"state": "cancelled"})
        # The Sales Manager need not hold Inventory or Invoicing rights to withdraw what
        # this form created and nothing has used yet.
        self.sudo().stock_picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        self.sudo().credit_note_ids.filtered(lambda m: m.state == "draft").button_cancel()
        self._close_activities(ACT_APPROVAL, ACT_INSPECTION)
        return True

    def action_view_pickings(self):
        return self._action_view_pickings()

    def action_view_receipts(self):
        return self._action_view_pickings(RECEIPT_DOMAIN, self.env._("Return Receipts of %(ret)s", ret=self.name))

    def action_view_replacements(self):
        return self._action_view_pickings(
            REPLACEMENT_DOMAIN, self.env._("Replacement Transfers of %(ret)s", ret=self.name)
        )

    def _action_view_pickings(self, domain=None, name=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("service_return_id", "=", self.id)] + (domain or [])
        action["context"] = {"create": False}
        if name:
            action["name"] = name
        return action

    def action_view_credit_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_refund_type")
        action["domain"] = [("service_return_id", "=", self.id)]
        action["context"] = {"create": False, "default_move_type": "out_refund"}
        return action

    def action_view_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_action")
        action["domain"] = [("return_id", "=", self.id)]
        action["context"] = {"default_source_ref": f"{self._name},{self.id}"}
        return action

    def action_open_capa_wizard(self):
        """The Inspection Group assigns a corrective action from a nonconforming re-inspection."""
        self.ensure_one()
        self._check_transition(
            ("inspection", "approval", "approved", "done"),
            [GROUP_INSPECTOR],
            self.env._("Assigning a corrective action"),
        )
        if not self.has_nonconforming:
            raise UserError(self.env._("Only a nonconforming re-inspection leads to a corrective action."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign Corrective Action"),
            "res_model": "service.return.capa.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_return_id": self.id},
        }

    # ------------------------------------------------------------------
    # Creation from a delivery, a sale order or a complaint
    # ------------------------------------------------------------------
    @api.model
    def _prepare_lines_from_pickings(self, pickings):
        """One line per delivered move and lot, for what is still returnable."""
        moves = pickings.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer" and not m.scrapped
        )
        available = self.env["service.return.line"]._returnable_quantities(moves)
        left_of_move = defaultdict(float)
        for (move, _lot), quantity in available.items():
            left_of_move[move] += quantity
        lines = []
        for (move, lot), quantity in sorted(available.items(), key=lambda item: (item[0][0].id, item[0][1].id)):
            quantity = min(quantity, left_of_move[move])
            if float_compare(quantity, 0.0, precision_rounding=move.product_uom.rounding) > 0:
                left_of_move[move] -= quantity
                lines.append(
                    Command.create(
                        {"move_id": move.id, "product_id": move.product_id.id, "lot_id": lot.id, "quantity": quantity}
                    )
                )
        return lines

    @api.model
    def _create_from_pickings(self, pickings, **values):
        deliveries = pickings.filtered(lambda p: p.picking_type_code == "outgoing" and p.state == "done")
        if not deliveries:
            raise UserError(self.env._("Only a done delivery to the customer can be returned."))
        partner = deliveries.partner_id.commercial_partner_id[:1]
        vals = {
            "partner_id": partner.id,
            "company_id": deliveries.company_id[:1].id,
            "picking_id": deliveries.id if len(deliveries) == 1 else False,
            "sale_order_id": deliveries.sale_id.id if len(deliveries.sale_id) == 1 else False,
            "return_type_id": self.env.ref("customer_service_control.return_type_partial").id,
            "line_ids": self._prepare_lines_from_pickings(deliveries),
        }
        vals.update(values)
        if not vals["line_ids"]:
            raise UserError(self.env._("Everything delivered has already been returned or is in an open return."))
        return self.create(vals)

    def _action_open_form(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Checks of the transitions (the buttons' methods and the can_* flags)
    # ------------------------------------------------------------------
    def _check_can_ask_confirmation(self):
        self._check_transition(("draft",), [GROUP_USER], self.env._("Asking for confirmation"))
        self._ensure_complete()

    def _check_can_confirm(self):
        self._check_transition(("draft",), [GROUP_MANAGER], self.env._("Confirming a return"))
        self._ensure_complete()
        for ret in self:
            if ret.return_type_id.requires_shipping_error_cause and (
                not ret.shipping_error_kind or not (ret.shipping_error_cause or "").strip()
            ):
                raise UserError(
                    self.env._(
                        "The Sales Manager records what was shipped wrong and why on %(ret)s before confirming.",
                        ret=ret.name,
                    )
                )
            ret._ensure_steps_can_be_signed()

    def _check_can_start_inspection(self):
        self._check_transition(("confirmed",), [GROUP_PRODUCTION_MANAGER], self.env._("Organising the re-inspection"))
        for ret in self:
            if not ret.inspection_required:
                raise UserError(self.env._("The return type of %(ret)s needs no re-inspection.", ret=ret.name))
            if not ret.inspector_ids:
                raise UserError(self.env._("Assign the inspectors who re-inspect %(ret)s.", ret=ret.name))

    def _check_can_assign_inspectors(self):
        self._check_transition(
            ("draft", "confirmed", "inspection"), [GROUP_PRODUCTION_MANAGER], self.env._("Assigning inspectors")
        )

    def _check_can_record_inspection(self):
        """Only an inspector assigned to the form records its results, during the re-inspection."""
        action = self.env._("Recording a re-inspection result")
        self._check_transition(("inspection",), [GROUP_INSPECTOR], action)
        if self.env.su:
            return
        for ret in self:
            if self.env.user not in ret.inspector_ids._origin:
                raise AccessError(
                    self.env._(
                        "%(action)s of %(ret)s is for the inspectors the Production Manager assigned to it "
                        "(%(users)s).",
                        action=action,
                        ret=ret.name,
                        users=", ".join(ret.inspector_ids.mapped("name")),
                    )
                )

    def _check_can_request_approval(self):
        action = self.env._("Sending the return for approval")
        self._check_state(("confirmed", "inspection"), action)
        for ret in self:
            if not ret.inspection_required:
                ret._check_role([GROUP_MANAGER], action)
                continue
            if ret.state != "inspection":
                raise UserError(self.env._("%(ret)s must be re-inspected first.", ret=ret.name))
            if not (
                self.env.su
                or self.env.user in ret.inspector_ids._origin
                or self.env.user.has_group(GROUP_PRODUCTION_MANAGER)
            ):
                raise AccessError(
                    self.env._(
                        "%(action)s after its re-inspection is for the inspectors assigned to %(ret)s "
                        "or the role “%(role)s”.",
                        action=action,
                        ret=ret.name,
                        role=self.env.ref(GROUP_PRODUCTION_MANAGER).sudo().name,
                    )
                )
            missing = ret.line_ids.filtered(
                lambda line, ret=ret: (
                    not line.inspection_result or line.inspector_id._origin not in ret.inspector_ids._origin
                )
            )
            if missing:
                raise UserError(
                    self.env._(
                        "Every line of %(ret)s needs a re-inspection result recorded by one of its inspectors; "
                        "missing for %(products)s.",
                        ret=ret.name,
                        products=", ".join(missing.product_id.mapped("display_name")),
                    )
                )
            if ret.nonconformity_required and not ret.has_nonconforming:
                raise UserError(
                    self.env._(
                        "The re-inspection of %(ret)s found no nonconformity: a %(type)s cannot be approved.",
                        ret=ret.name,
                        type=ret.return_type_id.name,
                    )
                )

    def _check_can_approve(self):
        """{form: the steps that the current user's signature signs now}."""
        self._check_state(("approval",), self.env._("Approving a return"))
        signable = {}
        for ret in self:
            signable[ret] = ret._steps_signable_by(self.env.user)
            if not signable[ret]:
                raise ret._signature_refusal(self.env._("Approving this return"))
        return signable

    def _check_can_refuse(self):
        action = self.env._("Refusing this return")
        self._check_state(("draft", "confirmed", "inspection", "approval"), self.env._("Refusing a return"))
        for ret in self:
            if ret.state != "approval":
                ret._check_role([GROUP_MANAGER], action)
            elif not ret._steps_signable_by(self.env.user):
                raise ret._signature_refusal(action)

    def _check_can_cancel(self):
        self._check_transition(OPEN_STATES, [GROUP_MANAGER], self.env._("Cancelling a return"))

    def _check_can_edit_shipping_error(self):
        self._check_transition(("draft",), [GROUP_MANAGER], self.env._("Recording the shipping error"))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _lock_for_transition(self):
        """Lock the forms' rows (see the mixin); their approval steps are read afresh.
        Whoever acts on a form must see it."""
        self.env.flush_all()
        res = super()._lock_for_transition()
        self.check_access("read")
        self.env["service.return.approval"].invalidate_model()
        return res

    def _ensure_complete(self):
        for ret in self:
            if is_html_empty(ret.reason):
                raise UserError(self.env._("State the reason for the return on %(ret)s.", ret=ret.name))
            if not ret.line_ids and ret.settlement != "compensation":
                raise UserError(self.env._("Add the returned products to %(ret)s.", ret=ret.name))
            rtype = ret.return_type_id
            if ret.settlement not in rtype._allowed_settlements():
                raise UserError(
                    self.env._(
                        "A %(type)s cannot be settled by %(settlement)s.",
                        type=rtype.name,
                        settlement=ret._selection_label("settlement", ret.settlement),
                    )
                )
            if ret.settlement == "compensation" and ret.currency_id.compare_amounts(ret.compensation_amount, 0.0) <= 0:
                raise UserError(self.env._("Enter the compensation agreed with the customer."))

    def _log_approval(self, kind, group=None, note=None):
        """Record the confirmation or a refusal outside the steps: who and when."""
        self.ensure_one()
        self.env["service.return.approval"].sudo().create(
            {
                "return_id": self.id,
                "kind": kind,
                "sequence": 0 if kind == "confirmation" else 1000,
                "state": "refused" if kind == "refusal" else "approved",
                "group_id": group.id if group else False,
                "user_id": self.env.user.id,
                "date": fields.Datetime.now(),
                "note": note,
            }
        )
        self.invalidate_recordset(["approval_ids"])

    def _create_approval_steps(self):
        """Fix the steps of the form from its type: later edits of the type do not change it."""
        self.ensure_one()
        steps = self.return_type_id._approval_steps()
        self.env["service.return.approval"].sudo().create(
            [
                {
                    "return_id": self.id,
                    "kind": "approval",
                    "sequence": sequence,
                    "group_id": cached_ref(self.env, xmlid).id,
                    "is_final": sequence == len(steps),
                }
                for sequence, xmlid in enumerate(steps, start=1)
            ]
        )
        self.invalidate_recordset(["approval_ids"])

    def _ensure_steps_can_be_signed(self):
        self.ensure_one()
        if not self._users_with_role(GROUP_GM, self.company_id):
            raise UserError(
                self.env._(
                    "Nobody holds the role “%(role)s” in %(company)s: %(ret)s could never be approved.",
                    role=self.env.ref(GROUP_GM).sudo().name,
                    company=self.company_id.name,
                    ret=self.name,
                )
            )

    def _pending_steps(self):
        self.ensure_one()
        return self.approval_ids.filtered(lambda a: a.kind == "approval" and a.state == "pending").sorted("sequence")

    def _step_signers(self, step):
        """Who may sign ``step`` (before excluding those who signed another step): the
        General Managers for the final step; for an intermediate step, the other holders
        of its role, none when only General Managers hold it (then the final signature
        covers it)."""
        self.ensure_one()
        users = self._role_holders(step.group_id, self.company_id)
        if not step.is_final:
            users -= self._users_with_role(GROUP_GM, self.company_id)
        return users

    def _steps_signable_by(self, user):
        """The pending steps that ``user``'s signature signs now (none if they may not)."""
        self.ensure_one()
        none = self.env["service.return.approval"]
        steps = self.approval_ids.filtered(lambda a: a.kind == "approval")
        if self.state != "approval" or user in steps.user_id:
            return none
        covered = none
        for step in self._pending_steps():
            signers = self._step_signers(step)
            if step.is_final:
                return covered | step if user in signers else none
            if signers:
                return step if user in signers else none
            covered |= step
        return none

    def _next_signers(self):
        """The users who may sign the form's next step."""
        self.ensure_one()
        signed = self.approval_ids.filtered(lambda a: a.kind == "approval").user_id
        for step in self._pending_steps():
            signers = self._step_signers(step) - signed
            if signers or step.is_final:
                return signers
        return self.env["res.users"]

    def _signature_refusal(self, action):
        """The exception that tells the current user why they cannot sign the next step."""
        self.ensure_one()
        user = self.env.user
        if user in self.approval_ids.filtered(lambda a: a.kind == "approval").user_id:
            return UserError(
                self.env._(
                    "You already signed %(ret)s; its next step needs another person.",
                    ret=self.name,
                )
            )
        step = self._pending_steps()[:1]
        if user.has_group(GROUP_GM) and step and not step.is_final:
            return AccessError(
                self.env._(
                    "%(action)s: the step of %(ret)s that needs the role “%(role)s” is signed by another "
                    "holder of that role (%(users)s); the General Manager gives the final approval after it.",
                    action=action,
                    role=step.group_id.sudo().name,
                    ret=self.name,
                    users=", ".join(self._step_signers(step)[:3].mapped("name")),
                )
            )
        return AccessError(
            self.env._(
                "%(action)s needs the role “%(role)s”.",
                action=action,
                role=(step.group_id.sudo().name if step else self.env.ref(GROUP_GM).sudo().name),
            )
        )

    def _schedule_next_approval(self):
        """One activity per user who may sign the next step, and nobody else."""
        self._schedule_activities(
            ACT_APPROVAL,
            [
                (ret, user, recipient_env(self.env, user)._("Approve return %(ret)s", ret=ret.name))
                for ret in self
                for user in ret._next_signers()
            ],
        )

    def _notify_production(self):
        """Ask the Production Managers (five at most) to organise the re-inspection."""
        self._schedule_activities(
            ACT_INSPECTION,
            [
                (
                    ret,
                    manager,
                    recipient_env(self.env, manager)._("Organise the re-inspection of %(ret)s", ret=ret.name),
                )
                for ret in self
                for manager in ret._users_with_role(GROUP_PRODUCTION_MANAGER, ret.company_id)[:5]
            ],
        )

    def _carry_out(self):
        """Create the return transfers and the replacement delivery. A compensation is
        credited at once; a refund is credited when the goods are received
        (:meth:`_settle_receipt`), for what was invoiced only."""
        self.ensure_one()
        # The last approver need not hold Inventory or Invoicing rights: the transfers and
        # the compensation credit note of this one approved form are created as superuser.
        self = self.sudo()
        if self.line_ids and self.settlement != "compensation":
            self._create_return_pickings()
        if self.settlement == "replacement":
            self._create_replacement_picking()
        if self.settlement == "compensation":
            self._create_credit_note()
        self._write_transition({"settled_at": fields.Datetime.now()})
        self._log_carried_out()
        if not self.stock_picking_ids:
            self._write_transition({"state": "done"})

    def _log_carried_out(self):
        """The chatter line of the final approval: what it created, as links."""
        self.ensure_one()
        receipts = self.stock_picking_ids.filtered_domain(RECEIPT_DOMAIN)
        replacements = self.stock_picking_ids - receipts

        def links(records):
            return Markup(", ").join(record._get_html_link() for record in records)

        lines = []
        if receipts:
            lines.append(self.env._("Return receipt: %(links)s", links=links(receipts)))
        if replacements:
            lines.append(self.env._("Replacement: %(links)s", links=links(replacements)))
        if self.credit_note_ids:
            lines.append(self.env._("Credit note: %(links)s", links=links(self.credit_note_ids)))
        elif self.settlement == "refund":
            lines.append(self.env._("The credit note is drafted when the goods are received."))
        if lines:
            self._message_log(
                body=Markup("%s<br/>%s") % (self.env._("Carried out on approval."), Markup("<br/>").join(lines))
            )

    def _create_return_pickings(self):
        """One incoming return per original delivery, through Odoo's own return wizard (so
        that what other modules add to it applies), given only the form's moves: the
        wizard does not list every move of the delivery to write each one's quantity."""
        to_refund = self.settlement in ("refund", "replacement")
        for delivery, lines in self.line_ids.grouped(lambda line: line.move_id.picking_id).items():
            qty_by_move = defaultdict(float)
            for line in lines:
                qty_by_move[line.move_id] += line.quantity
            wizard = self.env["stock.return.picking"].create(
                {
                    "picking_id": delivery.id,
                    "product_return_moves": [
                        Command.create(
                            {
                                "move_id": move.id,
                                "product_id": move.product_id.id,
                                "quantity": quantity,
                                "to_refund": to_refund,
                            }
                        )
                        for move, quantity in qty_by_move.items()
                    ],
                }
            )
            picking = wizard._create_return()
            picking.write({"service_return_id": self.id})
            return_move_of = {move.origin_returned_move_id: move for move in picking.move_ids}
            for line in lines:
                line.return_move_id = return_move_of[line.move_id]
            self._set_return_lots(picking, lines)

    def _set_return_lots(self, picking, lines):
        """Receive exactly the lots that the form returns."""
        tracked = lines.filtered("lot_id")
        if not tracked:
            return
        moves = tracked.return_move_id
        moves.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": line.return_move_id.id,
                    "picking_id": picking.id,
                    "product_id": line.product_id.id,
                    "product_uom_id": line.product_id.uom_id.id,
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity,
                    "location_id": line.return_move_id.location_id.id,
                    "location_dest_id": line.return_move_id.location_dest_id.id,
                }
                for line in tracked
            ]
        )

    def _create_replacement_picking(self):
        """Deliver the same product, or the one ordered after a shipping error, along the
        warehouse's delivery route, as a sale line does: one delivery in a one-step
        warehouse, pick then pack and ship in a multi-step one. Each original delivery
        gets its own procurement group, so no open transfer of the order is merged into
        the replacement; the transfers pushed later follow (see stock.picking). The group
        names no sale order: Odoo would add an invoiceable order line for a replacement of
        another product."""
        groups = self.env["procurement.group"]
        procurements = []
        for delivery, lines in self.line_ids.grouped(lambda line: line.move_id.picking_id).items():
            group = self.env["procurement.group"].create(self._prepare_replacement_group_vals(delivery))
            groups |= group
            procurements += self._prepare_replacement_procurements(delivery, lines, group)
        self.env["procurement.group"].with_company(self.company_id).run(procurements)
        pickings = self.env["stock.picking"].search([("group_id", "in", groups.ids)])
        pickings.write({"service_return_id": self.id})
        pickings.action_assign()

    def _prepare_replacement_group_vals(self, delivery):
        return {
            "name": self.name,
            "move_type": delivery.group_id.move_type or "direct",
            "partner_id": delivery.partner_id.id,
        }

    def _prepare_replacement_procurements(self, delivery, lines, group):
        Procurement = self.env["procurement.group"].Procurement
        origin = self.env._("Replacement for %(ret)s", ret=self.name)
        customer_location = delivery.location_dest_id
        procurements = []
        for line in lines:
            product = line.replacement_product_id
            sale_line = line.move_id.sale_line_id
            values = {
                "group_id": group,
                "warehouse_id": delivery.picking_type_id.warehouse_id,
                "partner_id": delivery.partner_id.id,
                "sale_line_id": sale_line.id if sale_line.product_id == product else False,
                "location_final_id": customer_location,
                "company_id": self.company_id,
            }
            procurements.append(
                Procurement(
                    product,
                    line.quantity,
                    product.uom_id,
                    customer_location,
                    product.display_name,
                    origin,
                    self.company_id,
                    values,
                )
            )
        return procurements

    def _create_credit_note(self, quantities=None, receipt=None):
        """Draft a credit note: the compensation, or ``quantities`` {sale line: qty in the
        sale line's unit} received in ``receipt``."""
        move = self.env["account.move"].create(self._prepare_credit_note_vals(quantities, receipt))
        self._message_log(body=self.env._("Credit note drafted for accounting: %(move)s", move=move._get_html_link()))
        return move

    def _prepare_credit_note_vals(self, quantities=None, receipt=None):
        order = self._settlement_order()
        vals = {
            "move_type": "out_refund",
            "partner_id": (order.partner_invoice_id or self.partner_id).id,
            "company_id": self.company_id.id,
            "invoice_origin": self.name,
            "invoice_user_id": (order.user_id or self.user_id).id,
            "ref": self.env._("Return %(ret)s", ret=self.name) + (f" ({receipt.name})" if receipt else ""),
            "service_return_id": self.id,
            "invoice_line_ids": [],
        }
        if order:
            vals.update({"currency_id": order.currency_id.id, "fiscal_position_id": order.fiscal_position_id.id})
        if self.settlement == "compensation":
            vals["invoice_line_ids"].append(
                Command.create(
                    {
                        "name": self.env._("Compensation agreed for %(ret)s", ret=self.name),
                        "quantity": 1.0,
                        "price_unit": self._compensation_in_order_currency(order),
                    }
                )
            )
            return vals
        for sale_line, quantity in (quantities or {}).items():
            vals["invoice_line_ids"].append(
                Command.create(
                    {
                        "product_id": sale_line.product_id.id,
                        "quantity": quantity,
                        "product_uom_id": sale_line.product_uom.id,
                        "price_unit": sale_line.price_unit,
                        "discount": sale_line.discount,
                        "tax_ids": [Command.set(sale_line.tax_id.ids)],
                        "sale_line_ids": [Command.link(sale_line.id)],
                    }
                )
            )
        return vals

    def _check_pickings_done(self):
        """Re-evaluate an approved form once every transfer it created is done or cancelled:
        done when goods came back or a replacement was shipped, cancelled when every
        transfer was cancelled. The Sales Manager is told what did not happen."""
        for ret in self.filtered(lambda r: r.state == "approved"):
            pickings = ret.stock_picking_ids
            if not pickings or any(p.state not in ("done", "cancel") for p in pickings):
                continue
            receipts = pickings.filtered(lambda p: p.location_id.usage == "customer")
            # The replacement reaches the customer with its last transfer; picking and
            # packing it on the way ships nothing.
            deliveries = (pickings - receipts).filtered(lambda p: p.location_dest_id.usage == "customer")
            came_back = "done" in receipts.mapped("state")
            shipped = "done" in deliveries.mapped("state")
            if not came_back and not shipped:
                ret._write_transition({"state": "cancelled"})
                ret._notify_settlement_gap(
                    self.env._(
                        "Every transfer of %(ret)s was cancelled: nothing came back and nothing was shipped, "
                        "so the form is cancelled. Agree with the customer on what happens next.",
                        ret=ret.name,
                    )
                )
                continue
            ret._write_transition({"state": "done"})
            if ret.settlement == "replacement" and not shipped:
                ret._notify_settlement_gap(
                    self.env._(
                        "The goods of %(ret)s came back but its replacement delivery was cancelled: the customer "
                        "has neither the goods nor a replacement. Settle it with the customer (a new form, a "
                        "refund or a compensation).",
                        ret=ret.name,
                    )
                )
            elif not came_back and receipts:
                ret._notify_settlement_gap(
                    self.env._(
                        "The replacement of %(ret)s was shipped but its return transfer was cancelled: the "
                        "returned goods never came back. Follow it up with the customer.",
                        ret=ret.name,
                    )
                )

    # ------------------------------------------------------------------
    # Settlement: refund at receipt, preview, stock endings
    # ------------------------------------------------------------------
    settlement_preview = fields.Html(
        compute="_compute_settlement_preview",
        sanitize=False,
        help="What the settlement will do to the order's delivered and invoiced quantities.",
    )

    @api.depends(
        "settlement",
        "compensation_amount",
        "sale_order_id",
        "line_ids.quantity",
        "line_ids.move_id",
        "line_ids.product_id",
        "line_ids.replacement_product_id",
    )
    def _compute_settlement_preview(self):
        for ret in self:
            ret.settlement_preview = ret._render_settlement_preview()

    @api.model
    def _refund_quantity(self, returned, invoiced, delivered_after, rounding):
        """What to credit of a sale line: the returned quantity, at most what was invoiced
        beyond what the customer keeps (never negative)."""
        quantity = min(returned, max(0.0, invoiced - delivered_after))
        return float_round(quantity, precision_rounding=rounding)

    def _settlement_order(self):
        self.ensure_one()
        return self.sale_order_id or self.line_ids.move_id.sale_line_id.order_id[:1]

    def _compensation_in_order_currency(self, order):
        """The agreed compensation (in the company's currency) in the order's currency."""
        if not order or order.currency_id == self.currency_id:
            return self.compensation_amount
        return self.currency_id._convert(
            self.compensation_amount, order.currency_id, self.company_id, fields.Date.context_today(self)
        )

    def _settlement_plan(self):
        """One row per sale line of the form: what the settlement will do to it, in the
        sale line's unit and the order's currency."""
        self.ensure_one()
        # Figures of the order this form returns from, for whoever reads the form.
        lines = self.sudo().line_ids
        returned = defaultdict(float)
        replaced = defaultdict(float)
        for line in lines:
            sale_line = line.move_id.sale_line_id
            if not sale_line:
                continue
            quantity = line.product_id.uom_id._compute_quantity(line.quantity, sale_line.product_uom)
            # As sale_stock counts them: only moves of the sale line's own product.
            if line.product_id == sale_line.product_id:
                returned[sale_line] += quantity
            if self.settlement == "replacement" and line.replacement_product_id == sale_line.product_id:
                replaced[sale_line] += quantity
            returned.setdefault(sale_line, 0.0)
        rows = []
        to_refund = self.settlement in ("refund", "replacement")
        for sale_line in returned:
            delivered = sale_line.qty_delivered
            after = delivered - (returned[sale_line] if to_refund else 0.0) + replaced[sale_line]
            credit = 0.0
            if self.settlement == "refund":
                credit = self._refund_quantity(
                    returned[sale_line], sale_line.qty_invoiced, after, sale_line.product_uom.rounding
                )
            invoiced_after = sale_line.qty_invoiced - credit
            ordered_basis = sale_line.product_id.invoice_policy == "order"
            rows.append(
                {
                    "sale_line": sale_line,
                    "delivered": delivered,
                    "delivered_after": after,
                    "invoiced": sale_line.qty_invoiced,
                    "credit_qty": credit,
                    "credit_amount": sale_line.currency_id.round(
                        credit * sale_line.price_unit * (1 - (sale_line.discount or 0.0) / 100.0)
                    ),
                    "to_invoice_after": (sale_line.product_uom_qty if ordered_basis else after) - invoiced_after,
                }
            )
        return rows

    def _settlement_explanation(self):
        self.ensure_one()
        return {
            "refund": self.env._(
                "The goods come back and the order's delivered quantity drops. When they are received, a "
                "credit note is drafted for what was invoiced beyond what the customer keeps; what was not "
                "invoiced yet is simply no longer invoiced."
            ),
            "replacement": self.env._(
                "The goods come back and a replacement is delivered on the same order line: the delivered "
                "quantity ends where it began (after a shipping error, at the ordered product). No credit note."
            ),
            "compensation": self.env._(
                "No goods move: a credit note of the agreed amount is drafted at the final approval."
            ),
            "return_only": self.env._(
                "The goods come back without refund or replacement: the order's delivered and invoiced "
                "quantities stay as they are."
            ),
        }[self.settlement]

    def _render_settlement_preview(self):
        self.ensure_one()
        if not self.settlement:
            return False
        order = self._settlement_order().sudo()
        parts = [Markup("<p>%s</p>") % self._settlement_explanation()]
        if self.settlement == "compensation":
            amount = self._compensation_in_order_currency(order)
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Credit note: %(amount)s",
                    amount=format_amount(self.env, amount, order.currency_id or self.currency_id),
                )
            )
            return Markup("").join(parts)
        rows = self._settlement_plan()
        if not rows:
            return Markup("").join(parts)
        head = [
            self.env._("Product"),
            self.env._("Unit"),
            self.env._("Delivered: now → after"),
            self.env._("Invoiced"),
            self.env._("To credit"),
            self.env._("Credit amount"),
            self.env._("To invoice after"),
        ]
        html = Markup('<table class="table table-sm o_settlement_preview"><thead><tr>')
        html += Markup("").join(Markup("<th>%s</th>") % label for label in head)
        html += Markup("</tr></thead><tbody>")

        def qty(value):
            return formatLang(self.env, value, dp="Product Unit of Measure")

        for row in rows:
            sale_line = row["sale_line"]
            cells = [
                sale_line.product_id.display_name,
                sale_line.product_uom.name,
                f"{qty(row['delivered'])} → {qty(row['delivered_after'])}",
                qty(row["invoiced"]),
                qty(row["credit_qty"]),
                format_amount(self.env, row["credit_amount"], sale_line.currency_id),
                qty(row["to_invoice_after"]),
            ]
            html += Markup("<tr>") + Markup("").join(Markup("<td>%s</td>") % cell for cell in cells)
            html += Markup("</tr>")
        html += Markup("</tbody></table>")
        parts.append(html)
        if any(row["sale_line"].product_id.invoice_policy == "order" for row in rows) and self.settlement == "refund":
            parts.append(
                Markup('<p class="text-warning">%s</p>')
                % self.env._(
                    "Some products are invoiced on ordered quantities: the order keeps invoicing what was "
                    "ordered. Lower the ordered quantity if the customer is not to be invoiced for the "
                    "returned goods."
                )
            )
        return Markup("").join(parts)

    def _settle_receipt(self, receipts):
        """Credit what ``receipts`` (done return transfers of this refund form) brought
        back, per sale line, for what was invoiced beyond what the customer keeps. Only
        the form's own return moves count, and never more than the form returns."""
        self.ensure_one()
        form_moves = self.line_ids.move_id
        returned = defaultdict(float)
        for line in self.line_ids:
            sale_line = line.move_id.sale_line_id
            if sale_line and line.product_id == sale_line.product_id:
                returned[sale_line] += line.product_id.uom_id._compute_quantity(line.quantity, sale_line.product_uom)

        def received_in(pickings):
            result = defaultdict(float)
            for move in pickings.move_ids:
                sale_line = move.sale_line_id
                if (
                    move.state == "done"
                    and move.to_refund
                    and move.origin_returned_move_id in form_moves
                    and sale_line in returned
                ):
                    result[sale_line] += move.product_uom._compute_quantity(move.quantity, sale_line.product_uom)
            return result

        received = received_in(receipts)
        earlier = received_in(self.stock_picking_ids - receipts)
        quantities = {}
        for sale_line, quantity in received.items():
            rounding = sale_line.product_uom.rounding
            quantity = min(quantity, max(0.0, returned[sale_line] - earlier[sale_line]))
            credit = self._refund_quantity(quantity, sale_line.qty_invoiced, sale_line.qty_delivered, rounding)
            if float_compare(credit, 0.0, precision_rounding=rounding) > 0:
                quantities[sale_line] = credit
        if quantities:
            self._create_credit_note(quantities, receipts)
        elif received:
            self._message_log(
                body=self.env._(
                    "%(receipt)s received: nothing of it was invoiced, so no credit note; the order will "
                    "invoice only what the customer keeps.",
                    receipt=", ".join(receipts.mapped("name")),
                )
            )

    def _check_stock_cancellable(self):
        """A form whose goods came back or whose replacement shipped cannot be cancelled."""
        # The Sales Manager or General Manager need not hold Inventory or Invoicing rights
        # to learn that the form's transfers or credit notes went on.
        for ret in self.sudo():
            done = ret.stock_picking_ids.filtered(lambda p: p.state == "done")
            if done:
                raise UserError(
                    self.env._(
                        "%(ret)s cannot be cancelled: its transfer %(picking)s is already done (goods came back "
                        "or a replacement was shipped). Settle the rest with the customer instead.",
                        ret=ret.name,
                        picking=done[0].name,
                    )
                )
            posted = ret.credit_note_ids.filtered(lambda m: m.state == "posted")
            if posted:
                raise UserError(
                    self.env._(
                        "%(ret)s cannot be cancelled: its credit note %(move)s is posted.",
                        ret=ret.name,
                        move=posted[0].name,
                    )
                )

    def _notify_settlement_gap(self, message):
        """Note ``message`` in the chatter and give the Sales Manager a to-do about it."""
        self.ensure_one()
        self._message_log(body=message)
        manager = self.company_id.service_manager_user_id or self._users_with_role(GROUP_MANAGER, self.company_id)[:1]
        if manager:
            summary = recipient_env(self.env, manager)._("Settle %(ret)s with the customer", ret=self.name)
            self._schedule_activities("mail.mail_activity_data_todo", [(self, manager, summary)], note=message)
