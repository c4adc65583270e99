# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    service_enquiry_reply_days = fields.Integer(
        "Enquiry Reply Period (days)",
        default=2,
        help="Enquiries are answered within this many days of reception (procedure 4.1.1).",
    )
    service_complaint_response_hours = fields.Integer(
        "Complaint Response Period (hours)",
        default=48,
        help="A person or a letter answers a complaint within this many hours (4.2.2.1).",
    )
    service_sla_use_calendar = fields.Boolean(
        "Count Deadlines in Working Time",
        help="Count reply and response periods on the company's working calendar "
        "(24 hours = one working day) instead of calendar time.",
    )
    service_manager_user_id = fields.Many2one(
        "res.users",
        "Service Manager",
        help="Sales Manager who receives a notice for each overdue enquiry or complaint.",
    )

    service_management_rep_id = fields.Many2one(
        "res.users",
        "Management Representative",
        help="Receives the approved service review with the General Manager and the deputies (4.3.3).",
    )

    _sql_constraints = [
        (
            "service_periods_positive",
            "CHECK(service_enquiry_reply_days > 0 AND service_complaint_response_hours > 0)",
            "Service response periods must be positive.",
        ),
    ]
