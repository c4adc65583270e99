"""Size benchmark of the SLA watch: builds N overdue complaints and enquiries, runs the
scheduled action's batches until none is left, and reports time and SQL queries.

Run through ``bin/dev bench [N ...]``; it works inside one transaction on the test
database and rolls everything back at the end.
"""

import argparse
import time
from datetime import timedelta

import odoo
from odoo import api, fields
from odoo.tools import config


def measure(env, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    return result, time.perf_counter() - start, env.cr.sql_log_count - queries


def bench(env, model, size):
    Model = env[model].sudo()
    while Model._cron_sla_watch():  # flag what was already overdue
        pass
    partner = env["res.partner"].create({"name": f"Bench customer {size}", "is_company": True})
    received = fields.Datetime.now() - timedelta(days=10)
    values = {"partner_id": partner.id, "received_at": received, "user_id": env.ref("base.user_admin").id}
    values.update({"description": "<p>bench</p>"} if model == "service.complaint" else {"subject": "bench"})
    _records, create_time, create_queries = measure(env, lambda: Model.create([values] * size))
    batches, total_time, total_queries, first = 0, 0.0, 0, None
    while True:
        flagged, seconds, queries = measure(env, Model._cron_sla_watch)
        if not flagged:
            break
        batches += 1
        total_time += seconds
        total_queries += queries
        first = first or queries
    print(
        f"{model:<18} N={size:>6}  create {create_time:7.2f}s {create_queries:>6}q  "
        f"watch {batches:>4} batches {total_time:7.2f}s {total_queries:>6}q  ({first} queries per batch)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000])
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            for size in args.sizes:
                for model in ("service.enquiry", "service.complaint"):
                    bench(env, model, size)
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
