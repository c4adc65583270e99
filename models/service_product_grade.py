# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import fields, models


class ServiceProductGrade(models.Model):
    """A precision or vibration grade of a product (e.g. P5, Z2)."""

    _name = "service.product.grade"
    _description = "Product Grade"
    _order = "grade_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    grade_type = fields.Selection(
        [("precision", "Precision Grade"), ("vibration", "Vibration Grade")], "Type", required=True
    )
    sequence = fields.Integer(default=10)
    description = fields.Char(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_type_uniq", "unique(name, grade_type)", "A grade name is used once per type."),
    ]
