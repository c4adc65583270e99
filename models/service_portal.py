# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""E-mail links of the portal documents (complaints and return forms)."""


def portal_groups_with_token(record, groups, msg_vals):
    """Give the portal users notified of ``record`` (the customer's contacts following
    it) a "View" button that carries the access token: they have no access right on the
    model, the portal page opens on the token."""
    if not record:
        return groups
    access_token = record.sudo()._portal_ensure_token()
    link = record._notify_get_action_link("view", **dict(msg_vals or {}, access_token=access_token))
    for name, _match, data in groups:
        if name == "portal":
            data["button_access"] = dict(data.get("button_access") or {}, url=link)
    return groups
