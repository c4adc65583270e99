# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    service_return_id = fields.Many2one(
        "service.return",
        "Return Form",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The Returned Product Handling Form that created this transfer.",
    )
    service_return_count = fields.Integer("Return Forms", compute="_compute_service_return_count")

    def _compute_service_return_count(self):
        counts = dict(
            self.env["service.return.line"]._read_group(
                [("picking_id", "in", self.ids)], ["picking_id"], ["return_id:count_distinct"]
            )
        )
        for picking in self:
            picking.service_return_count = counts.get(picking, 0)

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        pickings.filtered("service_return_id")._check_service_return_link()
        return pickings

    def write(self, vals):
        if "service_return_id" in vals:
            self._check_service_return_link()
        return super().write(vals)

    def _check_service_return_link(self):
        """Only a return form links transfers to itself: a transfer linked by hand would
        settle the form (credit notes are drafted from what its receipts bring back)."""
        if self and not self.env.su:
            raise UserError(
                self.env._(
                    "Transfers are linked to a Returned Product Handling Form only by the form itself, "
                    "when it is approved."
                )
            )

    def _create_backorder_picking(self):
        backorder = super()._create_backorder_picking()
        if self.service_return_id:
            # The rest of the form's receipt stays on the form, whoever validates it.
            backorder.sudo().service_return_id = self.service_return_id
        return backorder

    def _action_done(self):
        res = super()._action_done()
        self.sudo()._link_next_replacement_steps()
        # The form follows its transfers whoever validates them: the storekeeper needs
        # neither a service role nor Invoicing rights for the credit note it drafts.
        for ret, receipts in self.sudo().filtered("service_return_id").grouped("service_return_id").items():
            receipts = receipts.filtered(lambda p: p.state == "done" and p.location_id.usage == "customer")
            if receipts and ret.settlement == "refund":
                ret._settle_receipt(receipts)
        self.service_return_id.sudo()._check_pickings_done()
        return res

    def _link_next_replacement_steps(self):
        """The next step of a multi-step replacement (pack, ship), pushed when the previous
        one is done, stays on the form, whoever validates it."""
        steps = self.filtered(
            lambda p: (
                p.service_return_id
                and p.state == "done"
                and p.location_id.usage != "customer"
                and p.location_dest_id.usage != "customer"
            )
        )
        for ret, done in steps.grouped("service_return_id").items():
            following = done.move_ids.move_dest_ids.picking_id.filtered(
                lambda p, groups=done.group_id: not p.service_return_id and p.group_id in groups
            )
            following.service_return_id = ret

    def action_cancel(self):
        res = super().action_cancel()
        self.service_return_id.sudo()._check_pickings_done()
        return res

    def action_create_service_return(self):
        """Open a new Returned Product Handling Form proposing what this delivery shipped."""
        self.ensure_one()
        self.env["service.return"].check_access("create")
        return self.env["service.return"]._create_from_pickings(self)._action_open_form()

    def action_view_service_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service_control.action_service_return")
        action["domain"] = ["|", ("line_ids.picking_id", "=", self.id), ("stock_picking_ids", "in", self.ids)]
        return action
