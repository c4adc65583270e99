# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models

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

    def _responsible_user(self):
        self.ensure_one()
        return self.user_id or self.department_id.manager_id.user_id
