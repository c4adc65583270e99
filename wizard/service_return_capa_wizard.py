# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..const import GROUP_INSPECTOR


class ServiceReturnCapaWizard(models.TransientModel):
    """From a nonconforming re-inspection, assign the department responsible for the
    corrective action and create it in one step (procedure 4.2.3.3)."""

    _name = "service.return.capa.wizard"
    _description = "Assign Corrective Action from Re-inspection"

    return_id = fields.Many2one("service.return", required=True, readonly=True)
    line_ids = fields.Many2many(
        "service.return.line",
        string="Nonconforming Lines",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        domain="[('return_id', '=', return_id), ('inspection_result', '=', 'nonconforming')]",
    )
    action_type = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")], "Type", required=True, default="corrective"
    )
    department_id = fields.Many2one("hr.department", "Responsible Department", required=True)
    user_id = fields.Many2one(
        "res.users", "Owner", compute="_compute_user_id", store=True, readonly=False, domain="[('share', '=', False)]"
    )
    root_cause = fields.Html(compute="_compute_root_cause", store=True, readonly=False)
    due_date = fields.Date()

    @api.depends("return_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = wizard.return_id.line_ids.filtered(lambda line: line.inspection_result == "nonconforming")

    @api.depends("department_id")
    def _compute_user_id(self):
        for wizard in self:
            wizard.user_id = wizard.department_id.manager_id.user_id

    @api.depends("line_ids")
    def _compute_root_cause(self):
        for wizard in self:
            wizard.root_cause = Markup("").join(
                Markup("<p>%s: %s</p>") % (line.product_id.display_name, line.defect or "") for line in wizard.line_ids
            )

    def action_create(self):
        self.ensure_one()
        ret = self.return_id
        ret._check_transition(
            ("inspection", "approval", "approved", "done"),
            [GROUP_INSPECTOR],
            self.env._("Assigning a corrective action"),
        )
        lines = self.line_ids.filtered(lambda line: line.return_id == ret and line.inspection_result == "nonconforming")
        if not lines:
            raise UserError(self.env._("Select the nonconforming lines the action answers."))
        action = self.env["service.action"].create(
            {
                "title": self.env._("Corrective action for return %(ret)s", ret=ret.name),
                "action_type": self.action_type,
                "source_ref": f"{ret._name},{ret.id}",
                "return_line_ids": [Command.set(lines.ids)],
                "company_id": ret.company_id.id,
                "department_id": self.department_id.id,
                "user_id": self.user_id.id,
                "root_cause": self.root_cause,
                "due_date": self.due_date,
            }
        )
        ret.message_post(
            body=self.env._(
                "Corrective action %(action)s assigned to %(department)s.",
                action=action._get_html_link(),
                department=self.department_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.action",
            "res_id": action.id,
            "view_mode": "form",
        }
