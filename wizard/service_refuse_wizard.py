# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models
from odoo.exceptions import UserError


class ServiceRefuseWizard(models.TransientModel):
    """Asks for the reason of a refusal, then calls the record's refusal method."""

    _name = "service.refuse.wizard"
    _description = "Refuse with a Reason"

    res_model = fields.Char(required=True, readonly=True)
    res_ids = fields.Json(required=True, readonly=True)
    method = fields.Char(required=True, readonly=True)
    reason = fields.Text()

    @api.model
    def _open_for(self, records, method):
        wizard = self.create({"res_model": records._name, "res_ids": records.ids, "method": method})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reason"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        self.ensure_one()
        model = self.env[self.res_model] if self.res_model in self.env else None
        if model is None or self.method not in getattr(model, "_refusal_methods", ()):
            raise UserError(self.env._("This record cannot be refused from here."))
        records = model.browse(self.res_ids).exists()
        getattr(records, self.method)(self.reason)
        return {"type": "ir.actions.act_window_close"}
