# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""E-mail links of the portal documents (complaints and return forms)."""


def portal_groups_with_token(record, groups, msg_vals):
    """Give the portal users notified of ``record`` who are contacts of its customer a
    "View" button that carries the access token: they have no access right on the model,
    the portal page opens on the token. Other portal followers keep Odoo's plain link."""
    if not record or record._is_internal_notice():
        return groups
    access_token = record.sudo()._portal_ensure_token()
    link = record._notify_get_action_link("view", **dict(msg_vals or {}, access_token=access_token))
    contacts = record.env["res.partner"].sudo().browse

    def is_customer_contact(pdata):
        # The customer is read only for a portal recipient: most notifications have none.
        if pdata["type"] != "portal":
            return False
        customer = record.sudo().partner_id.commercial_partner_id
        return bool(customer) and contacts(pdata["id"]).commercial_partner_id == customer

    group = (
        "service_customer_contact",
        is_customer_contact,
        {
            "active": True,
            "has_button_access": True,
            "button_access": {"url": link},
        },
    )
    return [group, *groups]
