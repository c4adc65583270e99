"""The benchmark's measurements on one database, printed as JSON: each figure is the
seconds and the SQL queries (``cr.sql_log_count``) of a call, with the caches emptied
before (``env.invalidate_all()``) and the ORM flushed after.

``ours`` measures the add-on on a database built by bench/build.py; ``crons`` its
scheduled actions, the review statistics, the survey answer and the views (once per
size); ``intake`` and ``returns`` the work compared with OCA's peers; ``helpdesk`` and
``rma`` that same work with OCA's helpdesk_mgmt_sla and rma (in the peer database).
Each step is called as the user of the role acting, as its RPC request would, through
the add-on's public methods (``action_*``, ``button_validate``).
"""

import argparse
import json
import sys
import time
from datetime import timedelta

from lxml import etree

import odoo
from odoo import Command, api, fields
from odoo.tools import config

LIST_LIMIT = 80
RETURNS = 100
INTAKE = 1000


class Meter:
    def __init__(self, env):
        self.env = env
        self.figures = {}

    def __call__(self, name, func, commit=False):
        """Time and count ``func``; add to the figure ``name`` (several calls add up)."""
        env = self.env
        env.flush_all()
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        result = func()
        env.flush_all()
        seconds = time.perf_counter() - start
        count = env.cr.sql_log_count - queries
        if commit:
            env.cr.commit()
        figure = self.figures.setdefault(name, {"seconds": 0.0, "queries": 0, "calls": 0})
        figure["seconds"] += seconds
        figure["queries"] += count
        figure["calls"] += 1
        figure.setdefault("per_call", []).append(count)
        return result


def as_user(env, login):
    user = env["res.users"].search([("login", "=", login)])
    return env(user=user.id, context={"lang": "en_US", "tz": "UTC"})


def drain(meter, name, method):
    """Every batch of a scheduled action, committed one by one as the cron runner does."""
    while meter(name, method, commit=True):
        pass
    figure = meter.figures[name]
    # The last call finds nothing left: the batches are the calls before it.
    figure["batches"] = figure["calls"] - 1
    figure["per_batch"] = max(figure["per_call"][:-1] or figure["per_call"])


# --- Deliveries to return (both databases) ----------------------------------------------
def deliveries(env, count, prefix):
    """``count`` done deliveries of one unit each, each order invoiced on its own: what a
    return starts from."""
    env = env(context={"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True})
    company = env.ref("base.main_company")
    stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
    product = env["product.product"].search([("default_code", "=", f"{prefix}-RET")], limit=1) or env[
        "product.product"
    ].create(
        {
            "name": f"Bearing 6308-ZZ ({prefix})",
            "default_code": f"{prefix}-RET",
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "delivery",
            "list_price": 40.0,
        }
    )
    env["stock.quant"]._update_available_quantity(product, stock, count)
    customer = env["res.partner"].create({"name": f"Returning Motor Works ({prefix})", "is_company": True})
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 40.0})],
            }
            for _i in range(count)
        ]
    )
    orders.action_confirm()
    pickings = orders.picking_ids
    pickings.action_assign()
    pickings.move_ids.picked = True
    pickings.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
    orders._create_invoices(grouped=True).action_post()
    assert set(pickings.mapped("state")) == {"done"}
    env.cr.commit()
    return pickings.sorted("id")


def validate(picking):
    picking.move_ids.picked = True
    picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()


# --- Ours ---------------------------------------------------------------------------------
# The prefix of the figures of the lists as the territory's salesperson.
SALESPERSON = "salesperson: "


def views(meter, env):
    # The specification the web client sends, as the view query-count tests build it.
    from odoo.addons.customer_service_control.tests.test_query_slope_views import (  # noqa: PLC0415
        view_specification,
    )

    # The Sales Manager sees every record; the territory's salesperson, his share.
    for role, login in (("", "bench_manager"), (SALESPERSON, "bench_sales_area")):
        user_env = as_user(env, login)
        for model in ("service.complaint", "service.return", "service.action", "service.visit", "sale.order"):
            Model = user_env[model]
            arch = Model.get_views([(False, "list"), (False, "form")])["views"]
            list_spec = view_specification(Model, etree.fromstring(arch["list"]["arch"]))
            form_spec = view_specification(Model, etree.fromstring(arch["form"]["arch"]))
            for warm in (True, False):  # the first call fills the caches, as on a running server
                name = f"{'warm-up ' if warm else ''}{role}{model}"
                result = meter(f"{name} list", lambda M=Model, s=list_spec: M.web_search_read([], s, limit=LIST_LIMIT))
                meter.figures[f"{name} list"]["total"] = result["length"]
                if result["records"]:  # a user may have no record of a model: no form to open
                    first = result["records"][0]["id"]
                    meter(f"{name} form", lambda M=Model, s=form_spec, i=first: M.browse(i).web_read(s))
    for name in [name for name in meter.figures if name.startswith("warm-up ")]:
        del meter.figures[name]


def crons(meter, env):
    sudo = env(su=True)
    drain(meter, "SLA watch (complaints)", sudo["service.complaint"]._cron_sla_watch)
    drain(meter, "SLA watch (enquiries)", sudo["service.enquiry"]._cron_sla_watch)
    drain(meter, "visit planner", sudo["service.visit"]._cron_plan_key_customer_visits)
    drain(meter, "CAPA reminder", sudo["service.action"]._cron_remind_late)
    drain(meter, "campaign draft", sudo["service.satisfaction.campaign"]._cron_draft_next_campaign)
    drain(meter, "review draft", sudo["service.review"]._cron_draft_review)

    manager = as_user(env, "bench_manager")
    Review = manager["service.review"]
    from odoo.addons.customer_service_control.models.service_mixin import half_year_bounds  # noqa: PLC0415

    # The last half-year that ended: its review compares it with the whole history.
    start, end = half_year_bounds(half_year_bounds(fields.Date.today())[0] - timedelta(days=1))
    review = Review.search([("period_start", "=", start)], limit=1) or Review.create(
        {"period_start": start, "period_end": end, "user_id": manager.uid}
    )
    env.cr.commit()
    meter("review statistics (warm-up)", review._statistics)
    meter("review statistics", review._statistics)
    meter("review Recompute", review.action_recompute)
    del meter.figures["review statistics (warm-up)"]

    # A customer saving one survey answer (six questions) in a campaign with answers.
    survey = env.ref("customer_service_control.survey_service_satisfaction")
    questions = survey.question_ids.filtered(lambda q: q.question_type == "simple_choice").sorted("sequence")
    campaign = sudo["service.satisfaction.campaign"].search([("user_input_ids", "!=", False)], limit=1, order="id")
    partner = campaign.partner_ids[:1] or sudo["res.partner"].search([("is_company", "=", True)], limit=1)
    public = env(user=env.ref("base.public_user").id, su=True)
    for warm in (True, False):
        invite = sudo["survey.user_input"].create(
            {"survey_id": survey.id, "campaign_id": campaign.id, "partner_id": partner.id}
        )
        env.cr.commit()
        answer = public["survey.user_input"].search([("access_token", "=", invite.access_token)])

        def save(answer=answer):
            answer._mark_in_progress()
            for question in questions:
                points = question.suggested_answer_ids.filtered(lambda a: a.answer_score == 4)[:1]
                answer._save_lines(question, points.id)
            answer._clear_inactive_conditional_answers()
            answer._mark_done()

        meter("survey answer (warm-up)" if warm else "survey answer saved", save, commit=True)
    meter.figures["survey answer saved"]["answers in campaign"] = len(campaign.user_input_ids)
    del meter.figures["survey answer (warm-up)"]
    env.cr.commit()
    views(meter, env)


def intake(meter, env, round_no):
    sales = as_user(env, "bench_sales")
    partners = env["res.partner"].search([("is_company", "=", True), ("child_ids", "!=", False)], limit=50)
    vals = [
        {
            "partner_id": partners[i % len(partners)].id,
            "contact_id": partners[i % len(partners)].child_ids[:1].id,
            "description": f"<p>Noise on 6205 bearings after 200 hours ({round_no}-{i}).</p>",
        }
        for i in range(INTAKE)
    ]
    meter("intake of 1,000 complaints", lambda: sales["service.complaint"].create(vals), commit=True)


def returns(meter, env, round_no):
    pickings = deliveries(env, RETURNS, f"R{round_no}")
    users = {
        role: as_user(env, f"bench_{role}")
        for role in ("sales", "manager", "prod_manager", "inspector", "leader", "gm")
    }
    inspector = users["inspector"].user
    return_type = env.ref("customer_service_control.return_type_selection_error")
    values = {"return_type_id": return_type.id, "settlement": "refund", "reason": "<p>Wrong series ordered.</p>"}

    def browse(role, records):
        return users[role][records._name].browse(records.ids)

    forms = env["service.return"]
    for picking in pickings:
        ret = meter(
            "return: create",
            lambda p=picking: users["sales"]["service.return"]._create_from_pickings(browse("sales", p), **values),
        )
        forms |= ret
        meter("return: confirm", lambda r=ret: browse("manager", r).action_confirm())

        def inspection(r=ret):
            form = browse("prod_manager", r)
            form.write({"inspector_ids": [Command.set(inspector.ids)]})
            form.action_start_inspection()

        meter("return: start inspection", inspection)
        meter(
            "return: record result",
            lambda r=ret: browse("inspector", r.line_ids).write({"inspection_result": "conforming"}),
        )
        meter("return: request approval", lambda r=ret: browse("inspector", r).action_request_approval())
        meter("return: leader approval", lambda r=ret: browse("leader", r).action_approve())
        meter("return: final approval and carry-out", lambda r=ret: browse("gm", r).action_approve())
        meter("return: receipt and credit note", lambda r=ret: validate(r.sudo().stock_picking_ids))
        env.cr.commit()
    forms = env["service.return"].browse(forms.ids)
    done = forms.filtered(lambda r: r.state == "done" and len(r.credit_note_ids) == 1)
    if len(done) != RETURNS:
        raise SystemExit(f"{RETURNS - len(done)} returns did not end done with one credit note")
    add_returns_total(meter)


def add_returns_total(meter):
    """The figure of the whole work: every step of the 100 returns added up."""
    total = {"seconds": 0.0, "queries": 0, "calls": RETURNS}
    for name, figure in meter.figures.items():
        if name.startswith("return: "):
            total["seconds"] += figure["seconds"]
            total["queries"] += figure["queries"]
    meter.figures["100 returns to credit note"] = total


# --- Theirs -------------------------------------------------------------------------------
def helpdesk(meter, env, round_no):
    team = env["helpdesk.ticket.team"].search([("name", "=", "Bench service")], limit=1)
    if not team:
        team = env["helpdesk.ticket.team"].create({"name": "Bench service", "use_sla": True})
        env["helpdesk.sla"].create({"name": "48 hours", "team_ids": [Command.set(team.ids)], "hours": 48})
        env.cr.commit()
    partners = env["res.partner"].search([("is_company", "=", True)], limit=50) or env["res.partner"].create(
        [{"name": f"Ticket customer {i}", "is_company": True} for i in range(50)]
    )
    vals = [
        {
            "name": f"Noise on 6205 bearings ({round_no}-{i})",
            "description": "<p>Noise on 6205 bearings after 200 hours.</p>",
            "team_id": team.id,
            "partner_id": partners[i % len(partners)].id,
        }
        for i in range(INTAKE)
    ]
    tickets = meter("intake of 1,000 complaints", lambda: env["helpdesk.ticket"].create(vals), commit=True)
    if len(tickets.ticket_sla_ids) != len(tickets):
        raise SystemExit("helpdesk_mgmt_sla did not put the 48 h SLA on every ticket")


def rma(meter, env, round_no):
    pickings = deliveries(env, RETURNS, f"M{round_no}")
    operation = env.ref("rma.rma_operation_refund")
    Rma = env["rma"]
    for picking in pickings:
        move = picking.move_ids
        record = meter(
            "return: create",
            lambda p=picking, m=move: Rma.create(
                {
                    "partner_id": p.partner_id.id,
                    "picking_id": p.id,
                    "move_id": m.id,
                    "product_id": m.product_id.id,
                    "product_uom_qty": 1,
                    "product_uom": m.product_uom.id,
                    "operation_id": operation.id,
                }
            ),
        )
        meter("return: confirm", record.action_confirm)
        meter("return: receipt", lambda r=record: validate(r.reception_move_id.picking_id))
        meter("return: refund", record.action_refund)
        env.cr.commit()
    done = env["rma"].search([("picking_id", "in", pickings.ids)])
    if len(done.filtered("refund_id")) != RETURNS or len(done.refund_id) != RETURNS:
        raise SystemExit("the RMAs did not end with one credit note each")
    add_returns_total(meter)


COUNTED = [
    "service.complaint",
    "service.enquiry",
    "service.return",
    "service.action",
    "service.visit",
    "survey.user_input",
    "res.partner",
    "sale.order",
    "stock.picking",
    "account.move",
    "helpdesk.ticket",
    "rma",
]


def counts(meter, env):
    """What the database holds (the models it has)."""
    for model in COUNTED:
        if model in env:
            env.cr.execute(f'SELECT count(*) FROM "{env[model]._table}"')
            meter.figures[model] = env.cr.fetchone()[0]


PARTS = {"counts": counts, "crons": crons, "intake": intake, "returns": returns, "helpdesk": helpdesk, "rma": rma}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--round", type=int, default=1)
    parser.add_argument("parts", nargs="+", choices=sorted(PARTS))
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    figures = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if {"helpdesk", "rma"} & set(args.parts):  # OCA's work is done as the administrator
            env = env(user=env.ref("base.user_admin").id)
        for part in args.parts:
            meter = Meter(env)
            if part in ("crons", "counts"):
                PARTS[part](meter, env)
            else:
                PARTS[part](meter, env, args.round)
            for figure in meter.figures.values():
                if isinstance(figure, dict):
                    figure.pop("per_call", None)
            figures[part] = meter.figures
            cr.commit()
    json.dump(figures, sys.stdout)


if __name__ == "__main__":
    main()
