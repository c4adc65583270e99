"""Multi-worker load test: concurrent XML-RPC clients of every role against Odoo served
with ``--workers=2 --max-cron-threads=1``, then checks of the database.

Run through ``bin/dev load [--clients N] [--seconds S]``, which prepares the database
(``setup``: the load's users, customers, invoiced deliveries, staged return forms and
overdue complaints, as the role users through the ORM), serves a copy of it and calls
``run``: one ``xmlrpc.client.ServerProxy`` per client as in Odoo's External API
documentation, each logged in as its own user of one role —

- salespeople create complaints, record the first responses (also of overdue complaints
  the SLA watch flags at the same moment) and create return forms (one unit of each
  product) from a shared pool of done, invoiced deliveries;
- Sales Managers route the responded complaints and confirm the return forms;
- Production Managers assign the inspectors and start the re-inspection;
- inspectors record the re-inspection results line by line (two inspectors on the two
  lines of one form at the same moment) and send the forms to approval;
- leaders sign the leadership step, General Managers the final one — each final
  approval sent twice at the same moment, as a double click from two tabs would;
- storekeepers validate the return receipts (the credit note is drafted then);
- readers list complaints and returns (``web_search_read`` with the list views'
  fields) and group them (``read_group``).

The add-on's scheduled actions are made due every 20 seconds so that they run in the
cron worker during the load. A refusal that is the add-on's "being changed by another
user; try again" (or "being returned", "Another user is receiving …; try again") is
a handled refusal: the client retries it. Anything else is a failure. Afterwards the
database is read: every value a client wrote is there, no form returns more than was delivered,
each approved form has exactly one return receipt and (once received) one credit note,
and the scheduled actions ran. The exit code is non-zero on any failure.
"""

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
import xmlrpc.client
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import odoo
from odoo import Command, api, fields
from odoo.tools import config

MODULE = "customer_service_control"
MANIFEST_KEY = f"{MODULE}.load_manifest"
# Role of client i: every role in the first eight clients, then more of the busy ones.
ROLE_CYCLE = [
    "sales",
    "manager",
    "inspector",
    "gm",
    "prod_manager",
    "leader",
    "reader",
    "storekeeper",
    "sales",
    "inspector",
    "reader",
    "sales",
    "gm",
    "manager",
    "inspector",
    "sales",
]
CRON_REARM_SECONDS = 20
# The add-on's clear refusals of a concurrent change, which the client retries.
RETRY_RE = re.compile(
    r"is being changed by another user; try again|are being returned by another user; try again"
    r"|Another user is receiving .*; try again"
)
RETRIES = 8
# What the second of two final approvals sent at once may be told: the form is locked by
# the first, or already approved by it.
SECOND_APPROVAL_RE = re.compile(RETRY_RE.pattern + r"|in state “Approved”|in state “Done”|You already signed")
LOAD_TAG = "LOAD"


# ----------------------------------------------------------------------------------
# Set-up (ORM, in the database the load's copy is taken from)
# ----------------------------------------------------------------------------------
# Users per role the set-up creates (a client of a role logs in as the next one).
USERS_PER_ROLE = 6
# Demo user whose groups a role's load users get.
ROLE_TEMPLATES = {
    "sales": "user_csc_sales",
    "manager": "user_csc_manager",
    "prod_manager": "user_csc_prod_manager",
    "inspector": "user_csc_inspector",
    "leader": "user_csc_leader",
    "gm": "user_csc_gm",
    "reader": "user_csc_manager",
}
DELIVERIES = 24
UNITS_PER_LINE = 40
STAGED_PER_STATE = 8
OVERDUE_COMPLAINTS = 240


def setup(args):
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": False})
        ref = env.ref
        company = ref("base.main_company")
        users = {}
        for role, template in ROLE_TEMPLATES.items():
            groups = ref(f"{MODULE}.{template}").groups_id
            users[role] = env["res.users"].create(
                [
                    {
                        "name": f"Load {role} {k}",
                        "login": f"load_{role}_{k}",
                        "password": f"load_{role}_{k}",
                        "email": f"load_{role}_{k}@example.com",
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [Command.set(groups.ids)],
                    }
                    for k in range(1, USERS_PER_ROLE + 1)
                ]
            )
        users["storekeeper"] = env["res.users"].create(
            [
                {
                    "name": f"Load storekeeper {k}",
                    "login": f"load_storekeeper_{k}",
                    "password": f"load_storekeeper_{k}",
                    "email": f"load_storekeeper_{k}@example.com",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([ref("base.group_user").id, ref("stock.group_stock_user").id])],
                }
                for k in range(1, USERS_PER_ROLE + 1)
            ]
        )
        customers = env["res.partner"].create(
            [{"name": f"Load Customer {k:02d}", "is_company": True, "customer_rank": 1} for k in range(1, 13)]
        )
        storable = {"type": "consu", "is_storable": True, "invoice_policy": "delivery"}
        products = env["product.product"].create(
            [
                dict(storable, name="Load Bearing 6308-ZZ", list_price=40.0),
                dict(storable, name="Load Bearing 6205-2RS", list_price=12.0),
            ]
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        for product in products:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100000)
        deliveries = []
        for k in range(DELIVERIES):
            order = env["sale.order"].create(
                {
                    "partner_id": customers[k % len(customers)].id,
                    "user_id": False,
                    "order_line": [
                        Command.create(
                            {"product_id": p.id, "product_uom_qty": UNITS_PER_LINE, "price_unit": p.list_price}
                        )
                        for p in products
                    ],
                }
            )
            order.action_confirm()
            picking = order.picking_ids
            picking.action_assign()
            picking.move_ids.picked = True
            picking.button_validate()
            assert picking.state == "done", picking.state
            order._create_invoices().action_post()
            deliveries.append(
                {
                    "picking": picking.id,
                    "order": order.id,
                    "partner": order.partner_id.id,
                    "moves": {str(m.product_id.id): m.id for m in picking.move_ids},
                }
            )
        cr.commit()

        # Forms staged in each state, walked through by the role users (the real checks).
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        rtype = ref(f"{MODULE}.return_type_partial")
        inspectors = users["inspector"]
        stages = ["asked", "confirmed", "inspection", "leader", "gm", "receipt"]
        count = 0
        for depth, _stage in enumerate(stages):
            for _k in range(STAGED_PER_STATE):
                delivery = deliveries[count % DELIVERIES]
                sales = users["sales"][count % USERS_PER_ROLE]
                count += 1
                ret = (
                    env["service.return"]
                    .with_user(sales)
                    .create(
                        {
                            "partner_id": delivery["partner"],
                            "picking_id": delivery["picking"],
                            "sale_order_id": delivery["order"],
                            "return_type_id": rtype.id,
                            "settlement": "refund",
                            "reason": f"<p>{LOAD_TAG} staged return {count}</p>",
                            "line_ids": [
                                Command.create({"move_id": move, "product_id": int(product), "quantity": 1})
                                for product, move in delivery["moves"].items()
                            ],
                        }
                    )
                )
                ret.action_ask_confirmation()
                if depth >= 1:
                    ret.with_user(ref(f"{MODULE}.user_csc_manager")).action_confirm()
                if depth >= 2:
                    ret.with_user(ref(f"{MODULE}.user_csc_prod_manager")).write(
                        {"inspector_ids": [Command.set(inspectors.ids)]}
                    )
                    ret.with_user(ref(f"{MODULE}.user_csc_prod_manager")).action_start_inspection()
                if depth >= 3:
                    for line in ret.line_ids:
                        line.with_user(inspectors[0]).write(
                            {"inspection_result": "nonconforming", "defect": "Noise", "measured_values": "52 dB"}
                        )
                    ret.with_user(inspectors[0]).action_request_approval()
                if depth >= 4:
                    ret.with_user(users["leader"][0]).action_approve()
                if depth >= 5:
                    ret.with_user(users["gm"][0]).action_approve()
                cr.commit()

        # Complaints received days ago and not answered: the SLA watch flags them while the
        # salespeople answer them.
        received = fields.Datetime.now() - timedelta(days=5)
        env["service.complaint"].create(
            [
                {
                    "partner_id": customers[k % len(customers)].id,
                    "user_id": users["sales"][k % USERS_PER_ROLE].id,
                    "received_at": received,
                    "description": f"<p>{LOAD_TAG}-OVERDUE complaint {k}</p>",
                }
                for k in range(OVERDUE_COMPLAINTS)
            ]
        )
        # No mail server on a benchmark machine: the mail queue is not part of the load.
        ref("mail.ir_cron_mail_scheduler_action").active = False
        crons = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.cron")])
        manifest = {
            "users": {role: recs.mapped("login") for role, recs in users.items()},
            "deliveries": deliveries,
            "products": products.ids,
            "customers": customers.ids,
            "return_type": rtype.id,
            "crons": crons.mapped("res_id"),
            "groups": {
                "leader": ref(f"{MODULE}.group_service_leader").id,
                "gm": ref(f"{MODULE}.group_service_general_manager").id,
            },
        }
        env["ir.config_parameter"].set_param(MANIFEST_KEY, json.dumps(manifest))
        cr.commit()
    print(
        f"    {sum(len(u) for u in users.values())} users, {DELIVERIES} deliveries, {count} staged forms",
        file=sys.stderr,
    )


# ----------------------------------------------------------------------------------
# Clients
# ----------------------------------------------------------------------------------
class Refused(Exception):
    """A call refused for a reason other than a concurrent change (its fault string)."""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = defaultdict(list)  # label -> [(seconds, outcome)]
        self.failures = []

    def record(self, label, seconds, outcome):
        with self.lock:
            self.calls[label].append((seconds, outcome))

    def fail(self, text):
        with self.lock:
            self.failures.append(text)


class Client(threading.Thread):
    def __init__(self, runner, index, role, login):
        super().__init__(name=f"{role}-{index}", daemon=True)
        self.runner, self.index, self.role, self.login = runner, index, role, login
        self.stats = runner.stats
        self.db = runner.args.database
        self.proxy = xmlrpc.client.ServerProxy(f"{runner.args.url}/xmlrpc/2/object", allow_none=True)
        self.uid = None
        self.rng = random.Random(index)
        self.seq = 0
        # Of the clients of this role, which one this is (work is shared out by id).
        self.slot = runner.slots[role].index(index)
        self.slots = len(runner.slots[role])
        self.written = runner.written

    # -- calls -----------------------------------------------------------------------
    def call(self, label, model, method, *args, proxy=None, retry=True, handled=RETRY_RE, **kwargs):
        """One RPC; a handled refusal (``handled``) is counted apart and retried."""
        proxy = proxy or self.proxy
        for attempt in range(RETRIES):
            start = time.perf_counter()
            try:
                result = proxy.execute_kw(self.db, self.uid, self.login, model, method, list(args), kwargs)
            except xmlrpc.client.Fault as fault:
                seconds = time.perf_counter() - start
                if handled.search(fault.faultString):
                    self.stats.record(label, seconds, "refused")
                    if retry and attempt + 1 < RETRIES:
                        time.sleep(self.rng.uniform(0.05, 0.3) * (attempt + 1))
                        continue
                    raise Refused(fault.faultString) from None
                self.stats.record(label, seconds, "error")
                raise Refused(fault.faultString) from None
            except (OSError, xmlrpc.client.ProtocolError) as exc:
                self.stats.record(label, time.perf_counter() - start, "error")
                raise Refused(f"{type(exc).__name__}: {exc}") from None
            self.stats.record(label, time.perf_counter() - start, "ok")
            return result
        raise Refused(f"still refused after {RETRIES} tries")

    def mine(self, ids):
        return [i for i in ids if i % self.slots == self.slot]

    def tag(self, what):
        self.seq += 1
        return f"{LOAD_TAG} {self.login} {what} {self.seq}"

    # -- run -------------------------------------------------------------------------
    def login_once(self):
        """Log in (before the timed run: a password check costs a second of CPU)."""
        self.uid = xmlrpc.client.ServerProxy(f"{self.runner.args.url}/xmlrpc/2/common").authenticate(
            self.db, self.login, self.login, {}
        )
        if not self.uid:
            self.stats.fail(f"{self.login}: login refused")

    def run(self):
        try:
            if not self.uid:
                return
            step = getattr(self, f"step_{self.role}")
            iteration = 0
            while time.monotonic() < self.runner.deadline and (
                not self.runner.args.iterations or iteration < self.runner.args.iterations
            ):
                iteration += 1
                try:
                    if not step(iteration):
                        time.sleep(0.5)  # nothing to do: look again in a moment
                except Refused as exc:
                    self.stats.fail(f"{self.login} ({self.role}), step {iteration}: {exc}")
                    time.sleep(0.5)
        except Exception as exc:  # a client reports, never vanishes
            self.stats.fail(f"{self.login} ({self.role}) stopped: {type(exc).__name__}: {exc}")

    # -- roles -------------------------------------------------------------------------
    def step_sales(self, iteration):
        kind = iteration % 3
        if kind == 1:
            customer = self.rng.choice(self.runner.manifest["customers"])
            description = f"<p>{self.tag('complaint')}</p>"
            cid = self.call(
                "complaint create", "service.complaint", "create", {"partner_id": customer, "description": description}
            )
            self.written["complaint"][cid] = description
            return self.respond(cid)
        if kind == 2:
            ids = self.call(
                "complaint search (overdue)",
                "service.complaint",
                "search",
                [("state", "=", "new"), ("user_id", "=", self.uid), ("description", "ilike", f"{LOAD_TAG}-OVERDUE")],
                limit=1,
            )
            return self.respond(ids[0]) if ids else False
        delivery = self.rng.choice(self.runner.manifest["deliveries"])
        reason = f"<p>{self.tag('return')}</p>"
        lines = [
            (0, 0, {"move_id": move, "product_id": int(product), "quantity": 1})
            for product, move in delivery["moves"].items()
        ]
        rid = self.call(
            "return create (from a delivery)",
            "service.return",
            "create",
            {
                "partner_id": delivery["partner"],
                "picking_id": delivery["picking"],
                "sale_order_id": delivery["order"],
                "return_type_id": self.runner.manifest["return_type"],
                "settlement": "refund",
                "reason": reason,
                "line_ids": lines,
            },
        )
        self.written["return"][rid] = (reason, {int(m): 1.0 for m in delivery["moves"].values()})
        self.call("return action_ask_confirmation", "service.return", "action_ask_confirmation", [rid])
        return True

    def respond(self, cid):
        note = f"<p>{self.tag('response')}</p>"
        self.call(
            "complaint write (response)",
            "service.complaint",
            "write",
            [cid],
            {"response_type": "call", "response_note": note},
        )
        self.call("complaint action_respond", "service.complaint", "action_respond", [cid])
        self.written["response"][cid] = (note, self.uid)
        return True

    def step_manager(self, iteration):
        if iteration % 2:
            ids = self.mine(
                self.call(
                    "complaint search (responded)",
                    "service.complaint",
                    "search",
                    [("state", "=", "responded")],
                    limit=200,
                )
            )
            if not ids:
                return False
            cid = ids[0]
            self.call("complaint write (cause)", "service.complaint", "write", [cid], {"cause": "quality"})
            self.call("complaint action_start_analysis (route)", "service.complaint", "action_start_analysis", [cid])
            self.written["routed"][cid] = "quality"
            return True
        ids = self.mine(
            self.call(
                "return search (asked)",
                "service.return",
                "search",
                [("state", "=", "draft"), ("activity_ids", "!=", False), ("reason", "ilike", LOAD_TAG)],
                limit=200,
            )
        )
        if not ids:
            return False
        self.call("return action_confirm", "service.return", "action_confirm", [ids[0]])
        self.written["confirmed"][ids[0]] = self.uid
        return True

    def step_prod_manager(self, iteration):
        ids = self.mine(
            self.call(
                "return search (confirmed)",
                "service.return",
                "search",
                [("state", "=", "confirmed"), ("inspection_required", "=", True)],
                limit=200,
            )
        )
        if not ids:
            return False
        rid = ids[0]
        self.call(
            "return write (inspectors)",
            "service.return",
            "write",
            [rid],
            {"inspector_ids": [(6, 0, self.runner.inspector_uids)]},
        )
        self.call("return action_start_inspection", "service.return", "action_start_inspection", [rid])
        return True

    def step_inspector(self, iteration):
        lines = self.call(
            "return line search_read (to inspect)",
            "service.return.line",
            "search_read",
            [("return_id.state", "=", "inspection"), ("inspection_result", "=", False)],
            ["return_id"],
            limit=200,
        )
        # The lines of one form go to different inspectors: they record at the same moment.
        mine = [line for line in lines if line["id"] % self.slots == self.slot]
        if mine:
            line = mine[0]
            values = {
                "inspection_result": self.rng.choice(["conforming", "nonconforming"]),
                "measured_values": self.tag("reading"),
            }
            self.call("return line write (re-inspection result)", "service.return.line", "write", [line["id"]], values)
            self.written["inspection"][line["id"]] = (values, self.uid)
            return True
        ids = self.mine(
            self.call(
                "return search (inspected)",
                "service.return",
                "search",
                [("state", "=", "inspection"), ("line_ids", "not any", [("inspection_result", "=", False)])],
                limit=200,
            )
        )
        if not ids:
            return False
        self.call("return action_request_approval", "service.return", "action_request_approval", [ids[0]])
        return True

    def _to_sign(self, group_key):
        group = self.runner.manifest["groups"][group_key]
        rows = self.call(
            "return search_read (approval)",
            "service.return",
            "search_read",
            [("state", "=", "approval")],
            ["next_approver_group_id"],
            limit=200,
        )
        return self.mine(
            [r["id"] for r in rows if r["next_approver_group_id"] and r["next_approver_group_id"][0] == group]
        )

    def step_leader(self, iteration):
        ids = self._to_sign("leader")
        if not ids:
            return False
        self.call("return action_approve (leadership)", "service.return", "action_approve", [ids[0]])
        self.written["signed"][(ids[0], self.uid)] = "leader"
        return True

    def step_gm(self, iteration):
        """The final approval, sent twice at the same moment (a double click, two tabs):
        exactly one may carry the return out."""
        ids = self._to_sign("gm")
        if not ids:
            return False
        rid = ids[0]
        second = xmlrpc.client.ServerProxy(f"{self.runner.args.url}/xmlrpc/2/object", allow_none=True)
        outcomes = [None, None]

        def approve(slot, proxy):
            try:
                self.call(
                    "return action_approve (final, sent twice at once)",
                    "service.return",
                    "action_approve",
                    [rid],
                    proxy=proxy,
                    retry=False,
                    handled=SECOND_APPROVAL_RE,
                )
                outcomes[slot] = "ok"
            except Refused as exc:
                outcomes[slot] = str(exc)

        other = threading.Thread(target=approve, args=(1, second))
        other.start()
        approve(0, self.proxy)
        other.join()
        oks = outcomes.count("ok")
        if oks == 2:
            self.stats.fail(f"{self.login}: both final approvals of return {rid} sent at once succeeded")
        if oks == 1:
            self.written["signed"][(rid, self.uid)] = "gm"
        for outcome in outcomes:
            if outcome == "ok":
                continue
            if SECOND_APPROVAL_RE.search(outcome):
                self.runner.count("final approval sent twice: the second refused")
            else:
                self.stats.fail(f"{self.login}: final approval of return {rid}: {outcome}")
        return True

    def step_storekeeper(self, iteration):
        rows = self.call(
            "picking search_read (receipts)",
            "stock.picking",
            "search_read",
            [("service_return_id", "!=", False), ("state", "=", "assigned"), ("picking_type_code", "=", "incoming")],
            ["move_ids"],
            limit=200,
        )
        rows = [r for r in rows if r["id"] % self.slots == self.slot]
        if not rows:
            return False
        self.call("stock.move write (picked)", "stock.move", "write", rows[0]["move_ids"], {"picked": True})
        result = self.call("picking button_validate (receipt)", "stock.picking", "button_validate", [rows[0]["id"]])
        if result is not True:
            self.stats.fail(f"{self.login}: validating receipt {rows[0]['id']} opened {result!r}")
        self.written["received"][rows[0]["id"]] = True
        return True

    def step_reader(self, iteration):
        model, spec = self.runner.list_specs[iteration % 2]
        short = model.split(".")[-1]
        self.call(f"{short} list (web_search_read)", model, "web_search_read", [], spec, limit=80, count_limit=10001)
        self.call(f"{short} read_group (by state)", model, "read_group", [], ["state"], ["state"], lazy=False)
        return True


# ----------------------------------------------------------------------------------
# Runner
# ----------------------------------------------------------------------------------
def prepare(args):
    """On the copy that is served: the scheduled actions that fell due while the prepared
    database waited are moved past the run (the cron worker would spend the run on
    Odoo's own); the runner makes the add-on's due once the clients start."""
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with odoo.sql_db.db_connect(args.database).cursor() as cr:
        cr.execute(
            "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') + interval '1 day' "
            "WHERE nextcall < (now() AT TIME ZONE 'UTC') + interval '1 day'"
        )


class Runner:
    def __init__(self, args):
        self.args = args
        self.stats = Stats()
        self.counters = defaultdict(int)
        self.written = defaultdict(dict)
        self.counter_lock = threading.Lock()

    def count(self, what):
        with self.counter_lock:
            self.counters[what] += 1

    def env(self):
        registry = odoo.modules.registry.Registry(self.args.database)
        cr = registry.cursor()
        return api.Environment(cr, odoo.SUPERUSER_ID, {})

    def wait_for_server(self):
        common = xmlrpc.client.ServerProxy(f"{self.args.url}/xmlrpc/2/common")
        until = time.monotonic() + 180
        while True:
            try:
                return common.version()
            except (OSError, xmlrpc.client.ProtocolError):
                if time.monotonic() > until:
                    raise SystemExit(f"Odoo did not answer at {self.args.url} within 3 minutes") from None
                time.sleep(1)

    def list_spec(self, model):
        """The fields of the model's list view, as the web client asks for them."""
        admin = xmlrpc.client.ServerProxy(f"{self.args.url}/xmlrpc/2/object", allow_none=True)
        uid = xmlrpc.client.ServerProxy(f"{self.args.url}/xmlrpc/2/common").authenticate(
            self.args.database, "admin", "admin", {}
        )
        views = admin.execute_kw(self.args.database, uid, "admin", model, "get_views", [[[False, "list"]]], {})
        model_fields = views["models"][model]["fields"]
        arch = ET.fromstring(views["views"]["list"]["arch"])
        spec = {}
        for node in arch.findall("field"):
            name = node.get("name")
            if name in model_fields:
                many2one = model_fields[name]["type"] == "many2one"
                spec[name] = {"fields": {"display_name": {}}} if many2one else {}
        return model, spec

    def rearm_crons(self, env):
        """Make the add-on's scheduled actions due and wake the cron worker (as Odoo's
        ``ir.cron._trigger`` does); a job running right now is left alone."""
        env.cr.execute(
            "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') - interval '1 minute' "
            "WHERE id IN (SELECT id FROM ir_cron WHERE id = ANY(%s) AND active FOR UPDATE SKIP LOCKED)",
            [self.manifest["crons"]],
        )
        env.cr.commit()
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", [self.args.database])

    def run(self):
        config.parse_config(["-c", self.args.config, "-d", self.args.database, "--log-level=warn"])
        version = self.wait_for_server()
        env = self.env()
        self.manifest = json.loads(env["ir.config_parameter"].get_param(MANIFEST_KEY))
        self.inspector_uids = env["res.users"].search([("login", "in", self.manifest["users"]["inspector"])]).ids
        env.cr.rollback()
        self.list_specs = [self.list_spec("service.complaint"), self.list_spec("service.return")]
        roles = [ROLE_CYCLE[i % len(ROLE_CYCLE)] for i in range(self.args.clients)]
        self.slots = defaultdict(list)
        for index, role in enumerate(roles):
            self.slots[role].append(index)
        clients = []
        for index, role in enumerate(roles):
            logins = self.manifest["users"][role]
            clients.append(Client(self, index, role, logins[self.slots[role].index(index) % len(logins)]))
        started_at = datetime.now(timezone.utc).replace(tzinfo=None)
        env.cr.execute("SELECT id, lastcall FROM ir_cron WHERE id = ANY(%s)", [self.manifest["crons"]])
        lastcall_before = dict(env.cr.fetchall())
        self.rearm_crons(env)
        print(
            f"==> {self.args.clients} clients ({', '.join(f'{r} {len(s)}' for r, s in sorted(self.slots.items()))}) "
            f"for {self.args.seconds} s against Odoo {version['server_version']} at {self.args.url}",
            file=sys.stderr,
        )
        logins = [threading.Thread(target=client.login_once) for client in clients]
        for thread in logins:
            thread.start()
        for thread in logins:
            thread.join()
        self.loadavg = os.getloadavg()
        self.deadline = time.monotonic() + self.args.seconds
        t0 = time.perf_counter()
        for client in clients:
            client.start()
        next_rearm = time.monotonic() + CRON_REARM_SECONDS
        while any(c.is_alive() for c in clients):
            time.sleep(0.5)
            if time.monotonic() >= next_rearm and time.monotonic() < self.deadline:
                self.rearm_crons(env)
                next_rearm = time.monotonic() + CRON_REARM_SECONDS
        elapsed = time.perf_counter() - t0
        # Let a cron batch that is still running finish before reading the database.
        time.sleep(2)
        failures = list(self.stats.failures)
        failures += self.check(env, started_at, lastcall_before)
        failures += self.check_log(started_at)
        env.cr.rollback()
        env.cr.close()
        report = self.report(elapsed, failures, version)
        print(report)
        self.write_markdown(report)
        if failures:
            print(f"\n{len(failures)} FAILURE(S):", file=sys.stderr)
            for failure in failures[:50]:
                print("  -", failure[:2000], file=sys.stderr)
            return 1
        print("\nNo failure: every write is there, no duplicate transfer, the scheduled actions ran.", file=sys.stderr)
        return 0

    # -- checks ------------------------------------------------------------------------
    def check(self, env, started_at, lastcall_before):
        failures = []
        env.cr.rollback()  # a snapshot taken after the run
        env.invalidate_all()
        w = self.written
        Complaint = env["service.complaint"]
        for cid, description in w["complaint"].items():
            rec = Complaint.browse(cid).exists()
            if not rec:
                failures.append(f"lost write: complaint {cid} is not in the database")
            elif rec.description != description:
                failures.append(f"lost write: complaint {cid} description {rec.description!r} != {description!r}")
        for cid, (note, uid) in w["response"].items():
            rec = Complaint.browse(cid)
            if rec.response_note != note or rec.responded_by_id.id != uid or rec.state == "new":
                failures.append(
                    f"lost write: response of complaint {cid}: {rec.response_note!r} by {rec.responded_by_id.id} "
                    f"({rec.state}), written {note!r} by {uid}"
                )
        for cid, cause in w["routed"].items():
            rec = Complaint.browse(cid)
            if rec.cause != cause or rec.state != "in_analysis":
                failures.append(f"lost write: routing of complaint {cid}: {rec.cause} / {rec.state}")
        Return = env["service.return"]
        for rid, (reason, quantities) in w["return"].items():
            rec = Return.browse(rid).exists()
            got = {line.move_id.id: line.quantity for line in rec.line_ids} if rec else None
            if not rec or rec.reason != reason or got != quantities:
                failures.append(f"lost write: return {rid}: {rec and rec.reason!r} {got} != {reason!r} {quantities}")
        for rid, uid in w["confirmed"].items():
            rec = Return.browse(rid)
            if rec.confirmed_by_id.id != uid or rec.state == "draft":
                failures.append(f"lost write: confirmation of return {rid}: {rec.confirmed_by_id.id} / {rec.state}")
        Line = env["service.return.line"]
        for lid, (values, uid) in w["inspection"].items():
            line = Line.browse(lid)
            if (
                line.inspection_result != values["inspection_result"]
                or line.measured_values != values["measured_values"]
                or line.inspector_id.id != uid
            ):
                failures.append(
                    f"lost write: re-inspection of line {lid}: {line.inspection_result} {line.measured_values!r} "
                    f"by {line.inspector_id.id}, written {values} by {uid}"
                )
        Approval = env["service.return.approval"]
        for (rid, uid), _step in w["signed"].items():
            if not Approval.search_count([("return_id", "=", rid), ("user_id", "=", uid), ("state", "=", "approved")]):
                failures.append(f"lost write: the signature of user {uid} on return {rid} is missing")
        # No form returns more than was delivered.
        moves = env["stock.move"].browse([m for d in self.manifest["deliveries"] for m in d["moves"].values()])
        taken = defaultdict(float)
        for line in Line.search(
            [("move_id", "in", moves.ids), ("return_id.state", "not in", ("refused", "cancelled"))]
        ):
            taken[line.move_id] += line.quantity
        for move in moves:
            if taken[move] > move.quantity + 1e-6:
                failures.append(f"over-return: {taken[move]} of {move.quantity} delivered by move {move.id}")
        # Exactly one return receipt per approved form (one delivery each), one credit
        # note once received, one carry-out.
        carried = Return.search([("reason", "ilike", LOAD_TAG), ("state", "in", ("approved", "done"))])
        self.carried = len(carried)
        self.credited = 0
        for ret in carried:
            receipts = ret.stock_picking_ids.filtered(
                lambda p: p.location_id.usage == "customer" and not p.backorder_id
            )
            if len(receipts) != 1:
                failures.append(f"duplicate transfer: {ret.name} has {len(receipts)} return receipts")
            if any(not line.return_move_id for line in ret.line_ids):
                failures.append(f"{ret.name}: a line has no return move")
            notes = env["mail.message"].search_count(
                [("model", "=", ret._name), ("res_id", "=", ret.id), ("body", "ilike", "Carried out on approval")]
            )
            if notes != 1:
                failures.append(f"duplicate carry-out: {ret.name} was carried out {notes} times")
            finals = ret.approval_ids.filtered(lambda a: a.is_final and a.state == "approved")
            if len(finals) != 1:
                failures.append(f"{ret.name}: {len(finals)} final approvals")
            expected = 1 if receipts.filtered(lambda p: p.state == "done") else 0
            self.credited += len(ret.credit_note_ids)
            if len(ret.credit_note_ids) != expected:
                failures.append(
                    f"duplicate credit note: {ret.name} has {len(ret.credit_note_ids)}, expected {expected}"
                )
        # The scheduled actions ran during the load.
        env.cr.execute("SELECT id, cron_name, lastcall FROM ir_cron WHERE id = ANY(%s)", [self.manifest["crons"]])
        self.cron_runs = []
        for cron_id, name, lastcall in env.cr.fetchall():
            env.cr.execute(
                "SELECT count(*), coalesce(sum(done), 0) FROM ir_cron_progress "
                "WHERE cron_id = %s AND create_date >= %s",
                [cron_id, started_at],
            )
            runs, done = env.cr.fetchone()
            label = name.get("en_US") if isinstance(name, dict) else name
            self.cron_runs.append((label, runs, done, lastcall))
            if not lastcall or lastcall < started_at or lastcall == lastcall_before.get(cron_id):
                failures.append(f"scheduled action {label!r} did not run during the load (lastcall {lastcall})")
        return failures

    def check_log(self, started_at):
        """Errors the server logged during the run (a 500, a deadlock). A failed query that
        Odoo retried at once (a serialization failure: the request is replayed, the client
        sees its answer) is counted per table, not failed; a deadlock is a failure."""
        failures, retries = [], defaultdict(int)
        self.logged_refusals = 0
        self.served = []  # (queries, SQL seconds, other seconds) of each RPC request served
        if not self.args.server_log or not os.path.exists(self.args.server_log):
            return failures
        head = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\d+) (\w+) ")
        pending = {}  # pid -> the "bad query" line waiting for Odoo's retry line
        with open(self.args.server_log, encoding="utf-8", errors="replace") as log:
            for line in log:
                match = head.match(line)
                if not match:
                    continue
                pid, level = match.groups()
                retry = re.search(r" ([A-Z_]+), \d+ tries left, try again", line)
                if retry and pid in pending:
                    table = re.search(r'(?:UPDATE|INTO|FROM) "(\w+)"', pending.pop(pid))
                    retries[f"{retry.group(1)} on {table.group(1) if table else '?'}"] += 1
                    if retry.group(1) == "DEADLOCK_DETECTED":
                        failures.append(f"deadlock (Odoo replayed the request): {line.strip()}")
                    continue
                if pid in pending:
                    failures.append(f"server log: {pending.pop(pid).strip()}")
                served = re.search(r'"POST /xmlrpc/2/object HTTP/1.1" (\d+) - (\d+) ([\d.]+) ([\d.]+)', line)
                if served:
                    self.served.append(tuple(float(value) for value in served.groups()[1:]))
                if re.search(r" odoo\.sql_db: bad query: .* FOR (NO KEY )?UPDATE NOWAIT", line):
                    # A handled refusal: the row lock the add-on tries is logged by Odoo's cursor.
                    self.logged_refusals += 1
                elif level == "ERROR" and " odoo.sql_db: bad query: " in line:
                    pending[pid] = line
                elif level in ("ERROR", "CRITICAL") or "maximum number of tries reached" in line:
                    failures.append(f"server log: {line.strip()}")
        failures += [f"server log: {line.strip()}" for line in pending.values()]
        self.retries = dict(retries)
        return failures

    # -- report ------------------------------------------------------------------------
    def report(self, elapsed, failures, version):
        rows, total, refused_total, error_total, latencies = [], 0, 0, 0, []
        for label in sorted(self.stats.calls):
            calls = self.stats.calls[label]
            seconds = sorted(s for s, _outcome in calls)
            latencies += seconds
            refused = sum(1 for _s, o in calls if o == "refused")
            errors = sum(1 for _s, o in calls if o == "error")
            total += len(calls)
            refused_total += refused
            error_total += errors
            rows.append((label, len(calls), len(calls) / elapsed, *percentiles(seconds), refused, errors))
        latencies.sort()
        lines = [
            "| Call | Calls | Req/s | Median ms | p95 ms | Handled refusals | Errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for label, count, rps, median, p95, refused, errors in rows:
            lines.append(f"| {label} | {count} | {rps:.2f} | {median:.0f} | {p95:.0f} | {refused} | {errors} |")
        median, p95 = percentiles(latencies)
        lines.append(
            f"| **All calls** | **{total}** | **{total / elapsed:.2f}** | **{median:.0f}** | **{p95:.0f}** | "
            f"**{refused_total}** | **{error_total}** |"
        )
        w = self.written
        lines += [
            "",
            f"Wall time {elapsed:.1f} s. Written and found again: {len(w['complaint'])} complaints, "
            f"{len(w['response'])} first responses, {len(w['routed'])} routings, {len(w['return'])} return forms, "
            f"{len(w['confirmed'])} confirmations, {len(w['inspection'])} re-inspection results, "
            f"{len(w['signed'])} signatures, {len(w['received'])} receipts validated. "
            f"Forms carried out (staged and new): {getattr(self, 'carried', 0)}, each with one return receipt; "
            f"credit notes {getattr(self, 'credited', 0)}, one per received form. "
            f"Final approvals sent twice at once: the second refused "
            f"{self.counters['final approval sent twice: the second refused']} times, never carried out twice. "
            "Requests Odoo replayed after a concurrency error (server log), by table: "
            + (", ".join(f"{code} {n}" for code, n in sorted(getattr(self, "retries", {}).items())) or "none")
            + f". Lock refusals Odoo's cursor logged at ERROR level (`bad query: ... NOWAIT`): "
            f"{getattr(self, 'logged_refusals', 0)}.",
            "",
            served_summary(getattr(self, "served", [])),
            "",
            "| Scheduled action | Runs during the load | Records done | Last run (UTC) |",
            "|---|---:|---:|---|",
        ]
        for label, runs, done, lastcall in getattr(self, "cron_runs", []):
            lines.append(
                f"| {label} | {runs} | {done} | {lastcall:%H:%M:%S} |" if lastcall else f"| {label} | 0 | 0 | never |"
            )
        lines += ["", f"Result: **{'FAILED, ' + str(len(failures)) + ' failure(s)' if failures else 'no failure'}**."]
        if failures:
            lines += [""] + [f"- {f[:300]}" for f in failures[:20]]
        return "\n".join(lines)

    def write_markdown(self, table):
        args = self.args
        heading = f"## {args.clients} clients, {args.seconds} s"
        section = "\n".join(
            [
                heading,
                "",
                f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine()}. Odoo served with `--workers=2 "
                f"--max-cron-threads=1` (database `{args.database}`), {args.clients} XML-RPC clients "
                f"({', '.join(f'{r} {len(s)}' for r, s in sorted(self.slots.items()))}), one user each, "
                f"for {args.seconds} s; the add-on's scheduled actions made due every {CRON_REARM_SECONDS} s. "
                f"Add-on commit {git_head()}. Load average of the machine when the run started "
                f"{self.loadavg[0]:.1f}, when it ended {os.getloadavg()[0]:.1f} (other processes included).",
                "",
                table,
                "",
            ]
        )
        old = open(args.out, encoding="utf-8").read() if os.path.exists(args.out) else ""
        sections = [s for s in re.split(r"(?m)^(?=## )", old)[1:] if not s.startswith(heading + "\n")]
        head = LOAD_MD_INTRO
        sections.append(section + "\n")
        sections.sort(key=lambda s: [int(n) for n in re.findall(r"\d+", s.split("\n", 1)[0])])
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(head + "".join(sections).rstrip("\n") + "\n")


LOAD_MD_INTRO = """# Load test (`bin/dev load`)

Odoo serves a copy of a prepared database (the add-on with its demo data, 48 load users
of eight roles, 24 done and invoiced deliveries, 48 return forms staged, 8 at each step of
their flow, 240 overdue complaints) with two HTTP workers and a cron worker; XML-RPC
clients (`xmlrpc.client`, one `ServerProxy` each, each logged in as its own user) work
as their role for the time given, then the database is read back. Latencies are wall
times seen by the client, queueing for a free worker included. *Handled refusals* are
the add-on's "being changed by another user; try again" (the client retries) and, for
the final approval that every General Manager client sends twice at the same moment,
the refusal of the second; *Errors* are every other refusal or failure. A run fails on
any error, any value written that is not found again with its exact value, any form
returning more than was delivered, any form carried out twice or with other than one
return receipt and (once received) one credit note, any deadlock, and when a scheduled
action of the add-on did not run during the load.

"""


def served_summary(served):
    """What the server's request log says (less noisy than wall times on a busy machine)."""
    if not served:
        return "No request log of the server was read."
    queries = sorted(q for q, _sql, _other in served)
    p95 = queries[round(0.95 * (len(queries) - 1))]
    return (
        f"Server side ({len(served)} RPC requests in its log, logins and list-view loads included): "
        f"SQL queries per request median {statistics.median(queries):.0f}, p95 {p95:.0f}, "
        f"total {sum(queries):.0f}; time in SQL {sum(s for _q, s, _o in served):.1f} s, "
        f"in Python {sum(o for _q, _s, o in served):.1f} s."
    )


def percentiles(seconds):
    if not seconds:
        return 0.0, 0.0
    seconds = sorted(seconds)
    median = statistics.median(seconds)
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    return median * 1000, p95 * 1000


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def git_head():
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "prepare", "run"):
        p = sub.add_parser(name)
        p.add_argument("--config", required=True)
        p.add_argument("--database", required=True)
    run = sub.choices["run"]
    run.add_argument("--url", required=True)
    run.add_argument("--clients", type=int, default=8)
    run.add_argument("--seconds", type=int, default=60)
    run.add_argument("--iterations", type=int, default=0, help="stop each client after this many steps (0: no limit)")
    run.add_argument("--server-log")
    run.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command in ("setup", "prepare"):
        globals()[args.command](args)
        return 0
    return Runner(args).run()


if __name__ == "__main__":
    sys.exit(main())
