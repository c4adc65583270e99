# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models

OPEN_COMPLAINT_STATES = ["new", "responded", "in_analysis"]


class ResPartner(models.Model):
    """The customer registration card (用户登记卡, procedure 4.1.5)."""

    _inherit = "res.partner"

    is_key_customer = fields.Boolean(
        "Key Customer",
        index=True,
        tracking=True,
        help="Key customers (重点用户) are visited at least once a year (4.2.4).",
    )
    customer_since = fields.Date(tracking=True)
    service_enquiry_ids = fields.One2many("service.enquiry", "partner_id", "Enquiries")
    service_complaint_ids = fields.One2many("service.complaint", "partner_id", "Complaints")
    service_action_ids = fields.One2many("service.action", "partner_id", "Corrective Actions")
    service_enquiry_count = fields.Integer("Enquiry Count", compute="_compute_service_counts")
    service_complaint_count = fields.Integer("Complaint Count", compute="_compute_service_counts")
    service_open_complaint_count = fields.Integer("Open Complaint Count", compute="_compute_service_counts")
    service_action_count = fields.Integer("Action Count", compute="_compute_service_counts")
    service_return_count = fields.Integer("Return Form Count", compute="_compute_service_counts")

    def _service_counts(self, model, extra_domain=None):
        """Records of ``model`` per commercial entity, for the partners in self."""
        entities = self.commercial_partner_id
        field = "commercial_partner_id" if "commercial_partner_id" in self.env[model]._fields else "partner_id"
        domain = [(field, "in", entities.ids)] + (extra_domain or [])
        counts = dict(self.env[model]._read_group(domain, [field], ["__count"]))
        return {partner: counts.get(partner.commercial_partner_id, 0) for partner in self}

    def _compute_service_counts(self):
        if not self.ids:
            self.update(
                {
                    "service_enquiry_count": 0,
                    "service_complaint_count": 0,
                    "service_open_complaint_count": 0,
                    "service_action_count": 0,
                    "service_return_count": 0,
                }
            )
            return
        enquiries = self._service_counts("service.enquiry")
        complaints = self._service_counts("service.complaint")
        open_complaints = self._service_counts("service.complaint", [("state", "in", OPEN_COMPLAINT_STATES)])
        actions = self._service_counts("service.action")
        returns = self._service_counts("service.return")
        for partner in self:
            partner.service_enquiry_count = enquiries[partner]
            partner.service_complaint_count = complaints[partner]
            partner.service_open_complaint_count = open_complaints[partner]
            partner.service_action_count = actions[partner]
            partner.service_return_count = returns[partner]

    def _service_action_for(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_service_enquiries(self):
        return self._service_action_for("customer_service_control.action_service_enquiry")

    def action_view_service_complaints(self):
        return self._service_action_for("customer_service_control.action_service_complaint")

    def action_view_service_returns(self):
        return self._service_action_for("customer_service_control.action_service_return")

    def action_view_service_actions(self):
        return self._service_action_for("customer_service_control.action_service_action")
