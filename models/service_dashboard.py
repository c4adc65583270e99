# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

from ..const import GROUP_INSPECTOR, GROUP_LEADER, GROUP_TECHNICAL, GROUP_USER
from .service_complaint import OPEN_STATES as COMPLAINT_OPEN_STATES
from .service_mixin import half_year_bounds, half_year_label
from .service_return import OPEN_STATES as RETURN_OPEN_STATES

# The roles that see the Customer Service menu (views/menus.xml) see its dashboard.
DASHBOARD_GROUPS = (GROUP_USER, GROUP_INSPECTOR, GROUP_TECHNICAL, GROUP_LEADER)
# Ages of the open complaints, in hours since reception: (key, from, until).
AGE_BUCKETS = (("48h", 0, 48), ("7d", 48, 7 * 24), ("4w", 7 * 24, 28 * 24), ("older", 28 * 24, None))
TREND_MONTHS = 12
CAPA_QUARTERS = 4
SATISFACTION_HALF_YEARS = 4
VERIFIED_STATES = ("verified", "ineffective")


class ServiceDashboard(models.AbstractModel):
    """The Customer Service dashboard: figures read with ``_read_group`` under the
    reader's access rights, record rules and current companies. Nothing is stored."""

    _name = "service.dashboard"
    _description = "Customer Service Dashboard"

    # ------------------------------------------------------------------
    # Public entry point (the client action calls it)
    # ------------------------------------------------------------------
    @api.model
    def get_dashboard_data(self):
        """KPI cards and charts, each figure with the model and domain of the records
        it counts (the client opens them when the figure is clicked)."""
        self._check_dashboard_access()
        now = fields.Datetime.now()
        complaints = self._complaint_figures(now)
        on_time = self._on_time_figures(now)
        returns = self._return_figures(now)
        satisfaction = self._satisfaction_figures(now)
        capa = self._capa_figures(now)
        return {
            "kpis": [
                complaints["kpi_open"],
                complaints["kpi_overdue"],
                on_time["kpi"],
                returns["kpi"],
                satisfaction["kpi"],
                capa["kpi"],
            ],
            "charts": [
                complaints["chart_age"],
                complaints["chart_cause"],
                on_time["chart"],
                returns["chart"],
                satisfaction["chart"],
                capa["chart"],
            ],
        }

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _complaint_figures(self, now):
        """Open complaints by age since reception and by cause: one query per age."""
        Complaint = self.env["service.complaint"]
        open_domain = [("state", "in", list(COMPLAINT_OPEN_STATES))]
        causes = [*Complaint._fields["cause"]._description_selection(self.env), (False, self.env._("Not Analysed Yet"))]
        counts, overdue = {}, 0
        age_domains = []
        for key, start, end in AGE_BUCKETS:
            domain = list(open_domain)
            if start:  # the youngest bucket also takes what the form dated a few minutes ahead
                domain.append(("received_at", "<=", fields.Datetime.to_string(now - relativedelta(hours=start))))
            if end is not None:
                domain.append(("received_at", ">", fields.Datetime.to_string(now - relativedelta(hours=end))))
            age_domains.append(domain)
            for cause, is_overdue, count in Complaint._read_group(domain, ["cause", "is_overdue"], ["__count"]):
                counts[key, cause] = counts.get((key, cause), 0) + count
                overdue += count if is_overdue else 0
        age_labels = {
            "48h": self.env._("Under 48 hours"),
            "7d": self.env._("2–7 days"),
            "4w": self.env._("1–4 weeks"),
            "older": self.env._("Over 4 weeks"),
        }
        datasets = [
            {
                "label": label,
                "data": [counts.get((key, cause), 0) for key, _start, _end in AGE_BUCKETS],
                "domains": [domain + [("cause", "=", cause)] for domain in age_domains],
            }
            for cause, label in causes
            if any(counts.get((key, cause)) for key, _start, _end in AGE_BUCKETS)
        ]
        by_cause = [
            (cause, label, sum(counts.get((key, cause), 0) for key, *_ in AGE_BUCKETS)) for cause, label in causes
        ]
        by_cause = [item for item in by_cause if item[2]]
        total = sum(counts.values())
        return {
            "kpi_open": self._kpi(
                "complaints_open", self.env._("Open Complaints"), total, str(total), "service.complaint", open_domain
            ),
            "kpi_overdue": self._kpi(
                "complaints_overdue",
                self.env._("Overdue Complaints"),
                overdue,
                str(overdue),
                "service.complaint",
                open_domain + [("is_overdue", "=", True)],
                warning=bool(overdue),
            ),
            "chart_age": self._chart(
                "complaint_age",
                self.env._("Open Complaints by Age and Cause"),
                "bar",
                "service.complaint",
                [age_labels[key] for key, _start, _end in AGE_BUCKETS],
                datasets,
                stacked=True,
            ),
            "chart_cause": self._chart(
                "complaint_cause",
                self.env._("Open Complaints by Cause"),
                "doughnut",
                "service.complaint",
                [label for _cause, label, _count in by_cause],
                [
                    {
                        "label": self.env._("Open Complaints"),
                        "data": [count for _cause, _label, count in by_cause],
                        "domains": [open_domain + [("cause", "=", cause)] for cause, _label, _count in by_cause],
                    }
                ],
            ),
        }

    def _on_time_figures(self, now):
        """Complaints answered within the company's period (48 h) and enquiries replied
        within theirs (2 days), per month of reception over the last twelve months. A
        record counts once it was answered or its deadline passed."""
        months = self._periods(now, "month", TREND_MONTHS)
        start = months[0][1]
        series = []
        for model, answered_field, in_time_field, label in (
            ("service.complaint", "responded_at", "responded_in_time", self.env._("Complaints answered in 48 hours")),
            ("service.enquiry", "reply_at", "replied_in_time", self.env._("Enquiries replied in 2 days")),
        ):
            domain = [
                ("state", "!=", "cancelled"),
                ("received_at", ">=", start),
                "|",
                (answered_field, "!=", False),
                ("deadline", "<", fields.Datetime.to_string(now)),
            ]
            groups = self.env[model]._read_group(domain, ["received_at:month", in_time_field], ["__count"])
            due, in_time = {}, {}
            for month, answered_in_time, count in groups:
                due[month.date()] = due.get(month.date(), 0) + count
                if answered_in_time:
                    in_time[month.date()] = count
            series.append((model, domain, in_time_field, label, due, in_time))
        complaint_due = sum(series[0][4].values())
        complaint_in_time = sum(series[0][5].values())
        rate = self._percent(complaint_in_time, complaint_due)
        datasets = [
            {
                "label": label,
                "model": model,
                "data": [
                    self._percent(in_time.get(month, 0), due[month]) if due.get(month) else None for month, *_ in months
                ],
                "counts": [[in_time.get(month, 0), due.get(month, 0)] for month, *_ in months],
                "domains": [
                    domain + [("received_at", ">=", month_start), ("received_at", "<", month_end)]
                    for _month, month_start, month_end in months
                ],
            }
            for model, domain, _field, label, due, in_time in series
        ]
        return {
            "kpi": self._kpi(
                "complaints_on_time",
                self.env._("Complaints Answered in Time"),
                rate,
                f"{rate:g} %" if complaint_due else "–",
                "service.complaint",
                series[0][1] + [(series[0][2], "=", True)],
                detail=self.env._("%(in_time)s of %(due)s in 12 months", in_time=complaint_in_time, due=complaint_due),
            ),
            "chart": self._chart(
                "on_time",
                self.env._("On-time Response Rate per Month"),
                "line",
                "service.complaint",
                [format_date(self.env, month, date_format="MMM yyyy") for month, *_ in months],
                datasets,
                percent=True,
            ),
        }

    def _return_figures(self, now):
        """Return forms open or dated in the last twelve months, by type and state."""
        Return = self.env["service.return"]
        since = fields.Date.to_string(self._local_today(now) - relativedelta(months=TREND_MONTHS))
        domain = ["|", ("state", "in", list(RETURN_OPEN_STATES)), ("date", ">=", since)]
        groups = Return._read_group(domain, ["return_type_id", "state"], ["__count"])
        types = Return.return_type_id.union(*(rtype for rtype, _state, _count in groups))
        types = types.sorted(lambda rtype: (rtype.sequence, rtype.id))
        counts = {(rtype, state): count for rtype, state, count in groups}
        states = Return._fields["state"]._description_selection(self.env)
        datasets = [
            {
                "label": label,
                "state": state,
                "data": [counts.get((rtype, state), 0) for rtype in types],
                "domains": [domain + [("return_type_id", "=", rtype.id), ("state", "=", state)] for rtype in types],
            }
            for state, label in states
            if any(counts.get((rtype, state)) for rtype in types)
        ]
        open_count = sum(count for (_rtype, state), count in counts.items() if state in RETURN_OPEN_STATES)
        return {
            "kpi": self._kpi(
                "returns_open",
                self.env._("Open Return Forms"),
                open_count,
                str(open_count),
                "service.return",
                [("state", "in", list(RETURN_OPEN_STATES))],
            ),
            "chart": self._chart(
                "returns",
                self.env._("Return Forms by Type and State (12 months)"),
                "bar",
                "service.return",
                types.mapped("display_name"),
                datasets,
                stacked=True,
            ),
        }

    def _satisfaction_figures(self, now):
        """Satisfaction rate of the surveys of the last half-years against the target
        each was run against, and this year's rate against this year's target."""
        Campaign = self.env["service.satisfaction.campaign"]
        today = self._local_today(now)
        current = half_year_bounds(today)[0]
        periods = [current - relativedelta(months=6 * i) for i in reversed(range(SATISFACTION_HALF_YEARS))]
        domain = [("state", "in", ("running", "closed")), ("period_start", ">=", periods[0])]
        groups = Campaign._read_group(
            domain,
            ["period_start:month"],
            ["satisfied_count:sum", "completed_count:sum", "target_rate:max"],
        )
        figures = {}
        for start, satisfied, completed, target in groups:
            period = half_year_bounds(start)[0]
            before = figures.get(period, (0, 0, 0.0))
            figures[period] = (before[0] + satisfied, before[1] + completed, max(before[2], target))
        year_satisfied = sum(fig[0] for period, fig in figures.items() if period.year == today.year)
        year_completed = sum(fig[1] for period, fig in figures.items() if period.year == today.year)
        year_rate = self._percent(year_satisfied, year_completed)
        target = self.env.company._service_satisfaction_target(today)
        target_text = f"{target:g}"

        def period_domain(period):
            return [
                ("state", "in", ("running", "closed")),
                ("period_start", ">=", fields.Date.to_string(period)),
                ("period_start", "<=", fields.Date.to_string(half_year_bounds(period)[1])),
            ]

        return {
            "kpi": self._kpi(
                "satisfaction",
                self.env._("Satisfaction %(year)s", year=today.year),
                year_rate,
                f"{year_rate:g} %" if year_completed else "–",
                "service.satisfaction.campaign",
                [
                    ("state", "in", ("running", "closed")),
                    ("period_start", ">=", fields.Date.to_string(today.replace(month=1, day=1))),
                ],
                detail=self.env._("Target %(target)s %%", target=target_text),
                warning=bool(year_completed) and year_rate < target,
                target=target,
            ),
            "chart": self._chart(
                "satisfaction",
                self.env._("Customer Satisfaction against the Target"),
                "bar",
                "service.satisfaction.campaign",
                [half_year_label(half_year_bounds(period)[1]) for period in periods],
                [
                    {
                        "label": self.env._("Satisfaction Rate (%)"),
                        "data": [
                            self._percent(*figures[p][:2]) if figures.get(p, (0, 0))[1] else None for p in periods
                        ],
                        "counts": [list(figures[p][:2]) if p in figures else [0, 0] for p in periods],
                        "domains": [period_domain(period) for period in periods],
                    },
                    {
                        "label": self.env._("Target (%)"),
                        "type": "line",
                        "data": [
                            figures[p][2]
                            if p in figures
                            else self.env.company._service_satisfaction_target(half_year_bounds(p)[1])
                            for p in periods
                        ],
                    },
                ],
                percent=True,
            ),
        }

    def _capa_figures(self, now):
        """Corrective and preventive actions verified effective or not, per quarter of
        their verification."""
        Action = self.env["service.action"]
        quarters = self._periods(now, "quarter", CAPA_QUARTERS)
        domain = [("state", "in", VERIFIED_STATES), ("verified_at", ">=", quarters[0][1])]
        groups = Action._read_group(domain, ["verified_at:quarter", "state"], ["__count"])
        counts = {(quarter.date(), state): count for quarter, state, count in groups}
        states = dict(Action._fields["state"]._description_selection(self.env))
        effective = sum(count for (_quarter, state), count in counts.items() if state == "verified")
        verified = sum(counts.values())
        rate = self._percent(effective, verified)
        return {
            "kpi": self._kpi(
                "capa_effective",
                self.env._("Actions Verified Effective"),
                rate,
                f"{rate:g} %" if verified else "–",
                "service.action",
                domain + [("state", "=", "verified")],
                detail=self.env._("%(effective)s of %(verified)s", effective=effective, verified=verified),
            ),
            "chart": self._chart(
                "capa",
                self.env._("Corrective Action Effectiveness per Quarter"),
                "bar",
                "service.action",
                [format_date(self.env, quarter, date_format="QQQ yyyy") for quarter, *_ in quarters],
                [
                    {
                        "label": states[state],
                        "state": state,
                        "data": [counts.get((quarter, state), 0) for quarter, *_ in quarters],
                        "domains": [
                            [("state", "=", state), ("verified_at", ">=", start), ("verified_at", "<", end)]
                            for _quarter, start, end in quarters
                        ],
                    }
                    for state in VERIFIED_STATES
                ],
                stacked=True,
            ),
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _check_dashboard_access(self):
        if not any(self.env.user.has_group(group) for group in DASHBOARD_GROUPS):
            raise AccessError(
                self.env._(
                    "The Customer Service dashboard is for the Customer Service roles "
                    "(salesperson, Inspection Group, Technical Department or leadership)."
                )
            )

    def _reader_tz(self):
        """The time zone ``_read_group`` groups date-times in: the context's."""
        tz = self.env.context.get("tz")
        return pytz.timezone(tz) if tz in pytz.all_timezones_set else pytz.utc

    def _local_today(self, now):
        return pytz.utc.localize(now).astimezone(self._reader_tz()).date()

    def _periods(self, now, granularity, count):
        """The last ``count`` months or quarters up to the current one, in the reader's
        time zone: [(first day, start in UTC, end in UTC)], as ``_read_group`` groups them."""
        months = 3 if granularity == "quarter" else 1
        today = self._local_today(now)
        first = today.replace(day=1, month=today.month - (today.month - 1) % months)
        tz = self._reader_tz()

        def utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return fields.Datetime.to_string(local.astimezone(pytz.utc).replace(tzinfo=None))

        starts = [first - relativedelta(months=months * i) for i in reversed(range(count))]
        return [(start, utc(start), utc(start + relativedelta(months=months))) for start in starts]

    @staticmethod
    def _percent(part, whole):
        return round(100.0 * part / whole, 1) if whole else 0.0

    @staticmethod
    def _kpi(key, label, value, display, model, domain, detail="", warning=False, target=None):
        return {
            "key": key,
            "label": label,
            "value": value,
            "display": display,
            "detail": detail,
            "warning": warning,
            "target": target,
            "model": model,
            "domain": domain,
        }

    @staticmethod
    def _chart(key, title, chart_type, model, labels, datasets, stacked=False, percent=False):
        return {
            "key": key,
            "title": title,
            "type": chart_type,
            "model": model,
            "labels": labels,
            "datasets": datasets,
            "stacked": stacked,
            "percent": percent,
        }
