"""Builds the benchmark's database of a size: N complaints over six years with their
customers, sale orders, done deliveries, return forms (N/5), corrective actions, visits,
survey answers and enquiries, in the proportions of a bearing manufacturer.

Run by ``bin/dev bench`` on a database that holds the add-on (with the demo data, as the
tests' base template holds Odoo's: Odoo installs demo data where the base has it). A seed of
each kind of record is made through the ORM (batched ``create``, tracking and mail off) so
that every record is valid for the add-on; the bulk of the history, whose Odoo side
effects do not matter, is copied from that seed in SQL (``INSERT … SELECT
generate_series``) with its dates spread over the years and its own references.
"""

import argparse
import random
import time
from datetime import date, datetime, timedelta

import odoo
from odoo import Command, api
from odoo.tools import SQL, config

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_create_nosubscribe": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}
GROUP = "customer_service_control.group_service_"
# Roles of the benchmark's users (login: groups); bench/measure.py acts as them.
USERS = {
    "bench_sales": ("user", "sales_team.group_sale_salesman"),
    # A salesperson with a territory: every twentieth customer and its orders; he sees
    # the customers' records through the record rules (they keep their handler).
    "bench_sales_area": ("user", "sales_team.group_sale_salesman"),
    "bench_manager": ("manager", "sales_team.group_sale_manager"),
    "bench_inspector": ("inspector",),
    "bench_prod_manager": ("production_manager",),
    "bench_technical": ("technical",),
    "bench_leader": ("leader",),
    "bench_vp": ("production_vp",),
    "bench_gm": ("general_manager",),
}
CAUSES = ("quality", "design", "transport", None)
START = datetime.now().replace(microsecond=0) - timedelta(days=365 * 6)
YEARS = 6
SEED = 1000
# The work the scheduled actions find due, the same at every size, so that their
# queries per batch compare across sizes: key customers to plan a visit for, late open
# corrective actions to remind (each 100 per batch: two batches), and the review of
# the last half-year to draft.
DUE = 150
# The tables of records of a customer (service.customer.mixin).
CUSTOMER_TABLES = ("service_complaint", "service_enquiry", "service_return", "service_visit", "service_site_inspection")


def log(text, started):
    print(f"    {time.perf_counter() - started:7.1f}s  {text}", flush=True)


def columns(cr, table, skip=("id",)):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return {name: kind for name, kind in cr.fetchall() if name not in skip}


SHIFT = "((g * 7919 + s.id) %% 365)"


def clone(env, table, seed_ids, total, overrides):
    """Copy the rows ``seed_ids`` of ``table`` until it holds ``total`` copies of them in
    all (``g`` numbers the copy, ``s`` is the seed row); each copy's dates move back by
    the same share of a year, so that its deadlines and durations stay those of its
    seed; ``overrides`` maps a column to the SQL expression of its value. The ORM is
    flushed first: the seed rows' stored computed fields (customer entity, deadline,
    response in time) are written at flush, and the copies must have them too."""
    env.flush_all()
    cr = env.cr
    copies = -(-(total - len(seed_ids)) // len(seed_ids)) if total > len(seed_ids) else 0
    if not copies:
        return 0
    cols = columns(cr, table)

    def value(col, kind):
        if col in overrides:
            return overrides[col]
        if kind == "date":
            return f"s.{col} - {SHIFT}"
        if kind.startswith("timestamp") and col != "write_date":
            return f"s.{col} - {SHIFT} * interval '1 day'"
        return f"s.{col}"

    select = ", ".join(value(col, kind) for col, kind in cols.items())
    cr.execute(
        f"""INSERT INTO {table} ({", ".join(cols)})
            SELECT {select} FROM {table} s CROSS JOIN generate_series(1, %s) g
             WHERE s.id = ANY(%s)
             ORDER BY g, s.id LIMIT %s""",
        [copies, list(seed_ids), total - len(seed_ids)],
    )
    return cr.rowcount


def flag_past_deadlines(cr, Model, seeds):
    """The copies whose deadline passed unanswered were flagged by the SLA watch long
    ago, as in a database in use: the watch finds the seeds' work at every size."""
    cr.execute(
        SQL(
            "UPDATE %s SET is_overdue = TRUE WHERE id > %s AND state IN %s AND deadline < now()",
            SQL.identifier(Model._table),
            max(seeds.ids),
            tuple(Model._sla_pending_states),
        )
    )


def territory(env, customers, users):
    """Every twentieth customer passes to ``bench_sales_area`` with its orders: a
    salesperson who sees his share of each table through the customer's salesperson
    (none of them a key customer, whom the visit planner's work gives to
    ``bench_sales``). The records keep their handler, so that the scheduled actions
    tell the same users at every size."""
    env.flush_all()
    cr = env.cr
    area, ids = users["bench_sales_area"].id, customers.ids[5::20]
    cr.execute("UPDATE res_partner SET user_id = %s WHERE id = ANY(%s) OR parent_id = ANY(%s)", [area, ids, ids])
    cr.execute("UPDATE sale_order SET user_id = %s WHERE partner_id = ANY(%s)", [area, ids])


def sync_customer_salesperson(cr):
    """The records' stored customer's salesperson, after the SQL that moved customers."""
    for table in CUSTOMER_TABLES:
        cr.execute(
            SQL(
                """UPDATE %s t SET customer_user_id = p.user_id FROM res_partner p
                    WHERE p.id = t.commercial_partner_id AND t.customer_user_id IS DISTINCT FROM p.user_id""",
                SQL.identifier(table),
            )
        )


def build(env, size):
    started = time.perf_counter()
    rnd = random.Random(size)
    cr = env.cr
    env = env(context=dict(env.context, **QUIET))
    company = env.ref("base.main_company")
    days = 365 * YEARS

    # --- People -------------------------------------------------------------------
    users = {}
    for login, groups in USERS.items():
        group_ids = [env.ref("base.group_user").id] + [env.ref(g if "." in g else GROUP + g).id for g in groups]
        users[login] = env["res.users"].create(
            {
                "name": login.replace("bench_", "Bench ").replace("_", " ").title(),
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(group_ids)],
            }
        )
    company.service_manager_user_id = users["bench_manager"]
    for xmlid, login in (
        ("dep_inspection", "bench_inspector"),
        ("dep_production", "bench_prod_manager"),
        ("dep_technical", "bench_technical"),
        ("dep_sales", "bench_manager"),
    ):
        department = env.ref(f"customer_service_control.{xmlid}")
        department.manager_id = env["hr.employee"].create(
            {"name": users[login].name, "user_id": users[login].id, "company_id": company.id}
        )
    log("users and departments", started)

    # --- Customers and products ----------------------------------------------------
    n_customers = max(50, size // 20)
    customers = env["res.partner"].create(
        [
            {
                "name": f"Customer {i:06d} Motor Works",
                "is_company": True,
                "is_key_customer": i % 10 == 0,
                "email": f"customer{i}@example.com",
                "user_id": users["bench_sales" if i % 2 else "bench_manager"].id,
            }
            for i in range(n_customers)
        ]
    )
    contacts = env["res.partner"].create(
        [
            {"name": f"Buyer {i:06d}", "parent_id": c.id, "email": f"buyer{i}@example.com"}
            for i, c in enumerate(customers)
        ]
    )
    storable = {"type": "consu", "is_storable": True, "invoice_policy": "delivery"}
    products = env["product.product"].create(
        [
            dict(storable, name=f"Bearing 62{i:02d}-2RS", list_price=10.0 + i, default_code=f"62{i:02d}")
            for i in range(20)
        ]
    )
    stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
    for product in products:
        env["stock.quant"]._update_available_quantity(product, stock, 10**7)
    log(f"{n_customers} customers with a contact each, 20 products in stock", started)

    # --- Sale orders and done deliveries (ORM: real moves for the return forms) ----
    n_delivered = max(10, size // 100)
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % n_customers].id,
                "user_id": users["bench_sales"].id,
                "order_line": [
                    Command.create({"product_id": products[(i + k) % 20].id, "product_uom_qty": 50}) for k in range(2)
                ],
            }
            for i in range(n_delivered)
        ]
    )
    orders.action_confirm()
    deliveries = orders.picking_ids
    deliveries.action_assign()
    deliveries.move_ids.picked = True
    deliveries.with_context(skip_backorder=True, cancel_backorder=True, skip_sms=True).button_validate()
    assert set(deliveries.mapped("state")) == {"done"}, set(deliveries.mapped("state"))
    orders._create_invoices().action_post()
    log(f"{n_delivered} orders delivered and invoiced", started)
    # The rest of the order book: copies of those orders, confirmed, in SQL.
    n_orders = max(n_delivered, size // 2)
    seed_orders = orders.ids
    clone(
        env,
        "sale_order",
        seed_orders,
        n_orders,
        {
            "name": "s.name || '/H' || g",
            "access_token": "NULL",
        },
    )
    cr.execute(
        f"""INSERT INTO sale_order_line ({", ".join(cols := columns(cr, "sale_order_line"))})
            SELECT {", ".join("o.id" if c == "order_id" else f"l.{c}" for c in cols)}
              FROM sale_order o
              JOIN sale_order src ON o.name LIKE src.name || '/H%%' AND src.id = ANY(%s)
              JOIN sale_order_line l ON l.order_id = src.id""",
        [seed_orders],
    )
    log(f"{n_orders} sale orders in all", started)

    # --- Complaints -----------------------------------------------------------------
    seed = min(size, SEED)
    complaint_vals = []
    for i in range(seed):
        received = START + timedelta(hours=rnd.randrange((days - 30) * 24))
        state = rnd.choices(
            ["closed", "resolved", "in_analysis", "responded", "new", "cancelled"], [70, 10, 6, 4, 4, 6]
        )[0]
        vals = {
            "partner_id": customers[i % n_customers].id,
            "contact_id": contacts[i % n_customers].id,
            "description": "<p>Noise on 6205 bearings after 200 hours.</p>",
            "received_at": received,
            "user_id": users["bench_sales"].id,
            "state": state,
        }
        if state not in ("new", "cancelled"):
            vals.update(responded_at=received + timedelta(hours=rnd.choice([4, 20, 30, 60])), response_type="letter")
        if state in ("in_analysis", "resolved", "closed"):
            vals.update(
                cause=CAUSES[i % 3],
                department_id=env.ref("customer_service_control.dep_inspection").id,
                responsible_user_id=users["bench_inspector"].id,
            )
        if state in ("resolved", "closed"):
            vals["resolved_at"] = received + timedelta(days=rnd.randrange(2, 20))
        complaint_vals.append(vals)
    complaints = env["service.complaint"].sudo().create(complaint_vals)
    log(f"{seed} complaints (ORM)", started)
    name_of = "s.name || '-' || g"
    added = clone(
        env,
        "service_complaint",
        complaints.ids,
        size,
        {
            "name": name_of,
            "access_token": "NULL",
        },
    )
    flag_past_deadlines(cr, env["service.complaint"], complaints)
    log(f"{size} complaints in all ({added} in SQL)", started)

    # --- Enquiries (as many as half the complaints) --------------------------------
    n_enq = size // 2
    seed_enq = min(n_enq, SEED // 2)
    enquiries = (
        env["service.enquiry"]
        .sudo()
        .create(
            [
                {
                    "partner_id": customers[i % n_customers].id,
                    "contact_id": contacts[i % n_customers].id,
                    "channel": "phone",
                    "subject": f"Clearance for a 4-pole motor {i}",
                    "received_at": START + timedelta(hours=rnd.randrange((days - 30) * 24)),
                    "user_id": users["bench_sales"].id,
                    "state": rnd.choices(["done", "answered", "new", "cancelled"], [85, 6, 4, 5])[0],
                }
                for i in range(seed_enq)
            ]
        )
    )
    clone(
        env,
        "service_enquiry",
        enquiries.ids,
        n_enq,
        {"name": name_of},
    )
    flag_past_deadlines(cr, env["service.enquiry"], enquiries)
    log(f"{n_enq} enquiries", started)

    # --- Corrective actions (one for ten complaints) --------------------------------
    n_act = max(DUE, size // 10)
    seed_act = min(n_act, SEED // 5)
    today = date.today()
    actions = (
        env["service.action"]
        .sudo()
        .create(
            [
                {
                    "title": f"Grease the 6205 line {i}",
                    "source_ref": f"service.complaint,{complaints[i % seed].id}",
                    "user_id": users["bench_inspector" if i % 2 else "bench_technical"].id,
                    "department_id": env.ref("customer_service_control.dep_inspection").id,
                    "due_date": today - timedelta(days=rnd.randrange(days)),
                    "description": "<p>Regrease and check the seals.</p>",
                    "state": rnd.choices(["verified", "done", "open", "cancelled"], [80, 8, 7, 5])[0],
                }
                for i in range(seed_act)
            ]
        )
    )
    clone(
        env,
        "service_action",
        actions.ids,
        n_act,
        {"name": name_of},
    )
    log(f"{n_act} corrective actions", started)

    # --- Visits (one for ten complaints, mostly of the past) ------------------------
    n_vis = max(10, size // 10)
    seed_vis = min(n_vis, SEED // 5)
    visits = (
        env["service.visit"]
        .sudo()
        .create(
            [
                {
                    "partner_id": customers[i % n_customers].id,
                    "planned_date": today - timedelta(days=rnd.randrange(days))
                    if i % 10
                    else today + timedelta(days=i % 60),
                    "user_id": users["bench_sales"].id,
                }
                for i in range(seed_vis)
            ]
        )
    )
    clone(
        env,
        "service_visit",
        visits.ids,
        n_vis,
        {"name": name_of},
    )
    cr.execute("UPDATE service_visit SET state = 'closed' WHERE planned_date < CURRENT_DATE")
    log(f"{n_vis} visits", started)

    # --- Return forms (one for five complaints; ORM, on the real deliveries) --------
    n_ret = max(10, size // 5)
    seed_ret = min(n_ret, SEED // 2)
    types = env["service.return.type"].search([])
    moves = deliveries.move_ids
    forms = []
    for i in range(seed_ret):
        move = moves[i % len(moves)]
        forms.append(
            {
                "partner_id": move.picking_id.partner_id.id,
                "sale_order_id": move.sale_line_id.order_id.id,
                "picking_id": move.picking_id.id,
                "complaint_id": complaints[i % seed].id,
                "return_type_id": types[i % len(types)].id,
                "settlement": ("refund", "replacement")[i % 2],
                "date": (START + timedelta(days=rnd.randrange(days - 30))).date(),
                "reason": "<p>Noise above the vibration grade.</p>",
                "line_ids": [Command.create({"move_id": move.id, "product_id": move.product_id.id, "quantity": 1})],
            }
        )
    returns = env["service.return"].sudo().create(forms)
    cr.execute(
        "UPDATE service_return SET state = CASE WHEN id %% 10 = 0 THEN 'confirmed' WHEN id %% 10 = 1 THEN 'refused' "
        "ELSE 'done' END WHERE id = ANY(%s)",
        [returns.ids],
    )
    env.invalidate_all()
    clone(env, "service_return", returns.ids, n_ret, {"name": name_of})
    cr.execute(
        f"""INSERT INTO service_return_line ({", ".join(cols := columns(cr, "service_return_line"))})
            SELECT {", ".join("r.id" if c == "return_id" else f"l.{c}" for c in cols)}
              FROM service_return r
              JOIN service_return src ON r.name LIKE src.name || '-%%' AND src.id = ANY(%s)
              JOIN service_return_line l ON l.return_id = src.id""",
        [returns.ids],
    )
    log(f"{n_ret} return forms", started)

    # --- Survey campaigns of the past half-years and their answers ------------------
    survey = env.ref("customer_service_control.survey_service_satisfaction")
    questions = survey.question_ids.filtered(lambda q: q.question_type == "simple_choice")
    key_customers = customers.filtered("is_key_customer")
    n_answers = max(10, size // 20)
    campaigns = env["service.satisfaction.campaign"]
    for k in range(4):
        start = date(2023 + k // 2, 1 + 6 * (k % 2), 1)
        campaigns |= env["service.satisfaction.campaign"].create(
            {"period_start": start, "audience": "list", "partner_ids": [Command.set(key_customers.ids)]}
        )
    answers = []
    for i in range(n_answers):
        points = rnd.choice([3, 4, 5, 5])
        answers.append(
            {
                "survey_id": survey.id,
                "campaign_id": campaigns[i % 4].id,
                "partner_id": key_customers[i % len(key_customers)].id,
                "state": "done",
                "user_input_line_ids": [
                    Command.create(
                        {
                            "question_id": q.id,
                            "answer_type": "suggestion",
                            "suggested_answer_id": q.suggested_answer_ids.filtered(
                                lambda a, p=points: a.answer_score == p
                            )[:1].id,
                            "answer_score": points,
                        }
                    )
                    for q in questions
                ],
            }
        )
    env["survey.user_input"].create(answers)
    log(f"{len(campaigns)} campaigns, {n_answers} survey answers", started)
    territory(env, customers, users)
    due_work(env, customers, users, started)
    sync_customer_salesperson(cr)
    env.invalidate_all()
    env.flush_all()
    cr.execute("ANALYZE")
    log("done", started)


def due_work(env, customers, users, started):
    """Leave exactly ``DUE`` key customers without a visit in the last twelve months nor
    one planned, ``DUE`` late open actions not yet reminded, and no review of the last
    half-year (the demo data drafts one): the same work for the planner, the reminder
    and the review draft at every size."""
    cr = env.cr
    today = date.today()
    Visit = env["service.visit"]
    uncovered = [row[0] for row in env.execute_query(Visit._customers_to_plan(today).select())]
    if len(uncovered) < DUE:
        env["res.partner"].create(
            [
                {
                    "name": f"Key Customer {i:03d} Due For A Visit",
                    "is_company": True,
                    "is_key_customer": True,
                    "user_id": users["bench_sales"].id,
                }
                for i in range(DUE - len(uncovered))
            ]
        )
    else:
        cr.execute("UPDATE res_partner SET is_key_customer = FALSE WHERE id = ANY(%s)", [uncovered[DUE:]])
    # One salesperson plans them all, at every size (the planner tells each one once).
    cr.execute("UPDATE res_partner SET user_id = %s WHERE id = ANY(%s)", [users["bench_sales"].id, uncovered[:DUE]])
    env.invalidate_all()
    cr.execute("UPDATE service_action SET state = 'verified' WHERE state = 'open'")
    cr.execute(
        """UPDATE service_action SET state = 'open', is_late = FALSE, due_date = %s
            WHERE id IN (SELECT id FROM service_action ORDER BY id LIMIT %s)""",
        [today - timedelta(days=30), DUE],
    )
    from odoo.addons.customer_service_control.models.service_mixin import half_year_bounds  # noqa: PLC0415

    start = half_year_bounds(half_year_bounds(today)[0] - timedelta(days=1))[0]
    env["service.review"].sudo().search([("period_start", "=", start)]).unlink()
    env.invalidate_all()
    due = len(env.execute_query(Visit._customers_to_plan(today).select()))
    late = env["service.action"].search_count(env["service.action"]._late_domain())
    log(f"due: {due} key customers to visit, {late} late actions, the review of {start}", started)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        build(api.Environment(cr, odoo.SUPERUSER_ID, {}), args.size)
        cr.commit()


if __name__ == "__main__":
    main()
