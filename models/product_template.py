# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    precision_grade_id = fields.Many2one(
        "service.product.grade",
        domain="[('grade_type', '=', 'precision')]",
        tracking=True,
    )
    vibration_grade_id = fields.Many2one(
        "service.product.grade",
        domain="[('grade_type', '=', 'vibration')]",
        tracking=True,
    )
