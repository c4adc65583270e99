# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, fields, models

CAUSES = [
    ("quality", "Quality"),
    ("manufacturing", "Manufacturing"),
    ("design", "Design"),
    ("misuse", "Customer Misuse"),
    ("transport", "Transport Damage"),
    ("other", "Other"),
]

HANDLINGS = [
    ("department", "Department Investigates"),
    ("customer", "Customer's Responsibility"),
    ("delivery_procedure", "Delivery Control Procedure"),
]


class ServiceComplaintRouting(models.Model):
    """Where a complaint goes once its cause is known (procedure 4.2.2.2–4.2.2.4)."""

    _name = "service.complaint.routing"
    _description = "Complaint Routing by Cause"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    cause = fields.Selection(CAUSES, required=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    handling = fields.Selection(HANDLINGS, required=True, default="department")
    department_id = fields.Many2one("hr.department", "Responsible Department", check_company=True)
    user_id = fields.Many2one(
        "res.users",
        "Responsible User",
        help="Receives the analysis activity. Empty: the department manager's user.",
    )
    note = fields.Text(translate=True, help="Shown on the complaint once it is routed.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("cause_company_uniq", "unique(cause, company_id)", "Each cause is routed once per company."),
    ]

    @api.depends("cause", "handling", "department_id.name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """“Quality → Inspection Department”: the cause and where it goes, in the reader's language."""
        causes = dict(self._fields["cause"]._description_selection(self.env))
        handlings = dict(self._fields["handling"]._description_selection(self.env))
        for routing in self:
            target = (
                routing.department_id.name
                if routing.handling == "department" and routing.department_id
                else handlings.get(routing.handling, "")
            )
            routing.display_name = " → ".join(filter(None, [causes.get(routing.cause, ""), target]))

    def _responsible_user(self):
        self.ensure_one()
        return self.user_id or self.department_id.manager_id.user_id
