# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
import logging
import re
from collections import Counter
from datetime import date, timedelta

import psycopg2.errors
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_datetime, groupby

from ..const import GROUP_MANAGER

_logger = logging.getLogger(__name__)

# The ORM inserts at most 100 rows per query (odoo.models.INSERT_BATCH_SIZE): one SLA
# batch of that size creates its activities and notes in one INSERT each.
SLA_BATCH_SIZE = 100
# How far from now a handler's form may put the reception time (the form opened a while ago).
RECEPTION_TOLERANCE = timedelta(minutes=15)
# Cursor-level marker (never reachable from a client's context) of a running transition.
TRANSITION_KEY = "customer_service_control.transition"
# Cursor-level marker of the (model, record, partner) followers that _schedule_activities
# subscribed at once, so that Odoo's subscription of each activity's user is skipped.
SUBSCRIBED_KEY = "customer_service_control.subscribed"
# Cursor-level marker of the records whose "assigned to you" notice is being sent: it goes
# to employees only, so Odoo's portal part of a notification (the customer's access link
# and signup token, a write on the customer) is left out.
INTERNAL_NOTICE_KEY = "customer_service_control.internal_notice"
# Half-years offered by the half-year selections: from this year to ten years ahead of today.
HALF_YEAR_FIRST_YEAR = 2000


def half_year_bounds(day):
    """First and last day of the half-year (January–June or July–December) of ``day``."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def half_year_label(day):
    """“2026 H1”: the key of the half-year of ``day``, the same in every language, to
    group and sort by (its label in the reader's language is :func:`half_year_name`)."""
    return f"{day.year} H{1 if day.month <= 6 else 2}"


def half_year_name(env, day):
    """The half-year of ``day`` in the language of ``env``: “2026 H1”, “2026年上半年”."""
    if day.month <= 6:
        return env._("%(year)s H1", year=day.year)
    return env._("%(year)s H2", year=day.year)


def half_year_selection(model):
    """Selection of the half-years (key “2026 H1”, label in the reader's language), so
    that lists, group-by headers, pivots and printed forms name a half-year in the
    reader's language while the stored key groups and sorts the same in every language."""
    last_year = fields.Date.context_today(model).year + 10
    starts = [date(year, month, 1) for year in range(HALF_YEAR_FIRST_YEAR, last_year + 1) for month in (1, 7)]
    return [(half_year_label(start), half_year_name(model.env, start)) for start in starts]


def cached_ref(env, xmlid):
    """``env.ref(xmlid)`` without its existence query, which ``env.ref`` runs on each
    call: the xml id lookup is cached, and removing the record removes its xml id."""
    model, res_id = env["ir.model.data"]._xmlid_to_res_model_res_id(xmlid, raise_if_not_found=True)
    return env[model].browse(res_id)


def recipient_env(env, user):
    """``env`` in the language of ``user``: an activity the system schedules is written
    once, for one person, so its summary is written in that person's language."""
    lang = user.sudo().lang
    return env(context=dict(env.context, lang=lang)) if lang and lang != env.lang else env


class ServiceTransitionMixin(models.AbstractModel):
    """Fields that only the action_* methods write (``_transition_fields``): a plain
    write() or create() through RPC, a context default or an import cannot jump a state
    or forge who approved. A record may be created in one of its ``_draft_states``."""

    _name = "service.transition.mixin"
    _description = "Service Record Transition Guard"

    _draft_states = ()
    _transition_fields = ("state",)

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            protected = set(vals).intersection(self._transition_fields)
            if vals.get("state") in self._draft_states:
                protected.discard("state")
            self._check_transition_fields(protected)
        # Context defaults (default_<field>) and ir.default values never reach a
        # transition field: each one gets its own default explicitly.
        context = self.env.context
        draft_default = context.get("default_state") if context.get("default_state") in self._draft_states else None
        defaults = {}
        for name in self._transition_fields:
            field = self._fields[name]
            if field.compute:
                continue
            if name == "state" and draft_default:
                defaults[name] = draft_default
            else:
                default = field.default(self) if field.default else False
                defaults[name] = field.convert_to_write(field.convert_to_cache(default, self), self)
        stripped = {key: value for key, value in context.items() if key.removeprefix("default_") not in defaults}
        for vals in vals_list:
            for name, default in defaults.items():
                vals.setdefault(name, default)
        # the whole context is replaced on purpose: it must lose the default_<field> keys
        records = super(ServiceTransitionMixin, self.with_context(stripped)).create(vals_list)  # pylint: disable=context-overridden
        return records.with_env(self.env)

    def write(self, vals):
        if self:
            self._check_transition_fields(set(vals).intersection(self._transition_fields))
        return super().write(vals)

    @api.model
    def load(self, fields, data):
        """An import cannot set a transition field, whatever its value."""
        if not self.env.su:
            columns = {re.split(r"[/.]", path)[0] for path in fields}
            self._check_transition_fields(columns.intersection(self._transition_fields))
        return super().load(fields, data)

    def _check_transition_fields(self, field_names):
        if not field_names or self._in_transition(field_names):
            return
        labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in field_names))
        raise UserError(
            self.env._(
                "%(fields)s of %(model)s can only be changed through its buttons, which check the state and the role.",
                fields=labels,
                model=self.env["ir.model"]._get(self._name).name,
            )
        )

    def _write_transition(self, vals):
        """Write ``vals``, transition fields included: only for the action_* methods.

        Only these records and these fields are released from the guard, for the
        duration of this write: a nested write of another record or field is guarded."""
        marker = self.env.cr.cache.setdefault(TRANSITION_KEY, Counter())
        keys = [(self._name, rec_id) for rec_id in self.ids]
        keys += [(self._name, rec_id, name) for rec_id in self.ids for name in vals]
        marker.update(keys)
        try:
            return self.write(vals)
        finally:
            marker.subtract(keys)
            for key in keys:
                if marker[key] <= 0:
                    del marker[key]

    def _in_transition(self, field_names=None):
        """Whether these records (and ``field_names`` of them) are being written by
        ``_write_transition``; superuser code (scheduled actions, data files) always is."""
        if self.env.su:
            return True
        marker = self.env.cr.cache.get(TRANSITION_KEY)
        if not marker or not self.ids:
            return False
        if field_names is None:
            return all((self._name, rec_id) in marker for rec_id in self.ids)
        return all((self._name, rec_id, name) in marker for rec_id in self.ids for name in field_names)

    def _selection_label(self, field_name, value):
        return dict(self._fields[field_name]._description_selection(self.env)).get(value, value)


def _draw_numbers(sequence, count):
    """``count`` consecutive numbers of ``sequence`` (no date range) in one step: one
    ``nextval`` of its PostgreSQL sequence per number in one query ("standard"), or its
    row locked and moved on by ``count`` increments at once ("no_gap", as
    ``ir.sequence._next`` does for one number: a register another transaction is
    numbering from is refused at once, not waited for)."""
    cr = sequence.env.cr
    if sequence.implementation == "standard":
        cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [row[0] for row in cr.fetchall()]
    sequence.flush_recordset(["number_next"])
    cr.execute(
        SQL(
            "UPDATE ir_sequence SET number_next = number_next + %s "
            "WHERE id = (SELECT id FROM ir_sequence WHERE id = %s FOR UPDATE NOWAIT) "
            "RETURNING number_next - %s, number_increment",
            count * sequence.number_increment,
            sequence.id,
            count * sequence.number_increment,
        ),
        log_exceptions=False,  # a refusal Odoo's RPC layer retries, not an error of the log
    )
    first, increment = cr.fetchone()
    sequence.invalidate_recordset(["number_next"])
    return [first + i * increment for i in range(count)]


class ServiceWorkflowMixin(models.AbstractModel):
    """Sequence reference, role-checked transitions and the delete guard of a
    service record. Concrete models set ``_sequence_code`` and ``_draft_states``."""

    _name = "service.workflow.mixin"
    _inherit = "service.transition.mixin"
    _description = "Service Record Workflow"

    _sequence_code = None
    # Kanban columns folded by default: records that left the workflow without finishing it.
    _folded_states = ("refused", "cancelled")
    # Lock the rows (SELECT ... FOR UPDATE NOWAIT) in every _check_transition, so that
    # two users (or a user and a scheduled action) cannot change a record at once.
    _lock_on_transition = False

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        new = self.env._("New")
        vals_list = [dict(vals) for vals in vals_list]  # one dict given twice gets two numbers
        self._reserve_references([vals for vals in vals_list if not vals.get("name") or vals["name"] == new])
        return super().create(vals_list)

    @api.model
    def _reserve_references(self, vals_list):
        """Give each of ``vals_list`` its reference from its company's sequence, drawn in
        one step per company (not one lock, read and update per record); a sequence
        numbered per date range is drawn one by one. Without a sequence: "New"."""
        Sequence = self.env["ir.sequence"].sudo()
        by_company = groupby(vals_list, key=lambda vals: vals.get("company_id") or self.env.company.id)
        for company_id, company_vals in by_company:
            sequence = Sequence.search(
                [("code", "=", self._sequence_code), ("company_id", "in", [company_id, False])],
                order="company_id",
                limit=1,
            )
            if not sequence:
                names = [self.env._("New")] * len(company_vals)
            elif sequence.use_date_range:
                names = [sequence._next() for _vals in company_vals]
            else:
                names = [sequence.get_next_char(number) for number in _draw_numbers(sequence, len(company_vals))]
            for vals, name in zip(company_vals, names, strict=True):
                vals["name"] = name

    def _schedule_activities(self, xmlid, assignments, date_deadline=None, note=None, notify=True):
        """Schedule the activity type ``xmlid`` for each ``(record, user, summary)`` of
        ``assignments`` in one create. With ``notify`` (and unless the context asks for
        no notification, ``mail_activity_quick_update``, as Odoo's activities do), the
        assignees hear of it as from Odoo's own activities, but in one "assigned to you"
        notification per record, language and summary instead of one per activity;
        nobody is told of their own activity."""
        if not assignments or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        activity_type = cached_ref(self.env, xmlid)
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = date_deadline or fields.Date.context_today(self)
        keys = self._subscribe_assignees(assignments)
        marker = self.env.cr.cache.setdefault(SUBSCRIBED_KEY, Counter())
        marker.update(keys)
        try:
            activities = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(
                    [
                        {
                            "activity_type_id": activity_type.id,
                            "res_model_id": model_id,
                            "res_id": record.id,
                            "user_id": user.id,
                            "summary": summary or activity_type.summary,
                            "note": note or activity_type.default_note,
                            "date_deadline": deadline,
                            "automated": True,
                        }
                        for record, user, summary in assignments
                    ]
                )
            )
        finally:
            marker.subtract(keys)
            for key in keys:
                if marker[key] <= 0:
                    del marker[key]
        if notify and not self.env.context.get("mail_activity_quick_update"):
            to_notify = activities.filtered(lambda act: act.user_id != self.env.user)
            groups = groupby(to_notify, key=lambda act: (act.res_id, act.user_id.sudo().lang, act.summary))
            for (res_id, lang, _summary), group in groups:
                self.browse(res_id)._notify_activities_assigned(self.env["mail.activity"].union(*group), lang)
        return activities

    def _subscribe_assignees(self, assignments):
        """Make the assignees of ``assignments`` followers of their records, one
        subscription per group of records with the same assignees (Odoo subscribes the
        user of each activity on its own), and return the (model, record, partner) keys
        subscribed."""
        partners = {}
        for record, user, _summary in assignments:
            partners.setdefault(record, set()).add(user.sudo().partner_id.id)
        by_partners = {}
        for record, partner_ids in partners.items():
            by_partners.setdefault(frozenset(partner_ids), []).append(record.id)
        for partner_ids, record_ids in by_partners.items():
            self.browse(record_ids).message_subscribe(partner_ids=list(partner_ids))
        return [(self._name, record.id, pid) for record, partner_ids in partners.items() for pid in partner_ids]

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """Skip what _subscribe_assignees has just subscribed (Odoo's activity creation
        subscribes its user again, a few queries each)."""
        marker = self.env.cr.cache.get(SUBSCRIBED_KEY)
        if marker and partner_ids and not subtype_ids:
            if all((self._name, rec_id, pid) in marker for rec_id in self.ids for pid in partner_ids):
                return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _close_activities(self, *xmlids):
        """Remove the to-dos ``xmlids`` of ``self``, the current user's and the others':
        the tracked state change already says who moved the record on and when, a
        "done" line would say it a second time. As superuser, once the transition's
        checks passed (Odoo's ``activity_unlink`` checks the access to each again)."""
        if not self or self.env.context.get("mail_activity_automation_skip"):
            return
        type_ids = [cached_ref(self.env, xmlid).id for xmlid in xmlids]
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("activity_type_id", "in", type_ids)]
        ).unlink()

    def _notify_activities_assigned(self, activities, lang):
        """One "assigned to you" notification of ``activities`` (of this record, with one
        summary, their assignees reading ``lang``) to all their assignees at once."""
        self.ensure_one()
        record = self.with_context(lang=lang) if lang else self
        env = record.env
        first = activities.with_env(env)[:1]
        model_description = env["ir.model"]._get(self._name).display_name
        body = env["ir.qweb"]._render(
            "customer_service_control.message_activities_assigned",
            {"activity": first, "model_description": model_description},
            minimal_qcontext=True,
        )
        notices = env.cr.cache.setdefault(INTERNAL_NOTICE_KEY, set())
        key = (self._name, self.id)
        notices.add(key)
        try:
            record.sudo().message_notify(
                partner_ids=activities.user_id.sudo().partner_id.ids,
                body=body,
                record_name=record.display_name,
                model_description=model_description,
                email_layout_xmlid="mail.mail_notification_layout",
                subject=env._(
                    "“%(document)s: %(summary)s” assigned to you",
                    document=record.display_name,
                    summary=first.summary or first.activity_type_id.name,
                ),
            )
        finally:
            notices.discard(key)

    def _is_internal_notice(self):
        """Whether the notification being sent of ``self`` is an "assigned to you"
        notice, which goes to employees only."""
        notices = self.env.cr.cache.get(INTERNAL_NOTICE_KEY)
        return bool(self and notices) and all((self._name, rec_id) in notices for rec_id in self.ids)

    def _mail_get_partners(self, introspect_fields=False):
        """No customer for an "assigned to you" notice: Odoo's portal would prepare the
        customer's access link and signup token (a write on the customer, which every
        to-do of the customer's forms would then lock) for a message the customer never
        receives."""
        if self._is_internal_notice():
            return dict.fromkeys(self.ids, self.env["res.partner"])
        return super()._mail_get_partners(introspect_fields=introspect_fields)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        started = self.filtered(lambda rec: rec.state not in self._draft_states)
        if started:
            raise UserError(
                self.env._(
                    "%(records)s left the draft stage and cannot be deleted; cancel it instead, "
                    "so that the chatter keeps the trail.",
                    records=", ".join(started.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Grouping
    # ------------------------------------------------------------------
    @api.model
    def _read_group_fill_results(self, domain, groupby, annoted_aggregates, read_group_result, read_group_order=None):
        """Fold the columns of ``_folded_states`` (refused, cancelled), as Odoo folds closed stages."""
        result = super()._read_group_fill_results(
            domain, groupby, annoted_aggregates, read_group_result, read_group_order=read_group_order
        )
        if groupby == "state":
            for line in result:
                if line["state"] in self._folded_states:
                    line["__fold"] = True
        return result

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def _state_label(self, state):
        return self._selection_label("state", state)

    def _check_state(self, allowed_states, action):
        """Raise unless every record is in one of ``allowed_states``."""
        wrong = self.filtered(lambda rec: rec.state not in allowed_states)
        if wrong:
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(record)s in state “%(state)s”; it needs the state %(allowed)s.",
                    action=action,
                    record=wrong[0].display_name,
                    state=self._state_label(wrong[0].state),
                    allowed=" / ".join(f"“{self._state_label(s)}”" for s in allowed_states),
                )
            )

    def _has_role(self, group_xmlids):
        """Whether the user holds one of the roles (superuser code always does)."""
        if isinstance(group_xmlids, str):
            group_xmlids = [group_xmlids]
        return self.env.su or any(self.env.user.has_group(xmlid) for xmlid in group_xmlids)

    def _check_role(self, group_xmlids, action):
        """Raise AccessError naming the role(s) unless the user has one of them.

        Superuser calls (scheduled actions, automated flows) are not restricted."""
        if isinstance(group_xmlids, str):
            group_xmlids = [group_xmlids]
        if self._has_role(group_xmlids):
            return
        roles = " / ".join(f"“{self.env.ref(xmlid).sudo().name}”" for xmlid in group_xmlids)
        raise AccessError(self.env._("%(action)s needs the role %(roles)s.", action=action, roles=roles))

    def _check_transition(self, allowed_states, group_xmlids, action):
        """The single entry check of every ``action_*`` button."""
        self._check_role(group_xmlids, action)
        if self._lock_on_transition:
            self._lock_for_transition()
        self._check_state(allowed_states, action)

    def _lock_for_transition(self):
        """Lock the rows of ``self`` until the end of the transaction, or refuse at once
        when another user (or the SLA watch) is changing one of them."""
        if not self.ids:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s FOR UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        tuple(self.ids),
                    ),
                    log_exceptions=False,  # an expected refusal, not an error of the log
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "%(records)s is being changed by another user; try again in a moment.",
                    records=", ".join(self.mapped("name")),
                )
            ) from None
        # What the checks read next is what is locked, not what was cached before.
        self.invalidate_recordset()

    def _compute_can_transitions(self, transitions):
        """Set ``can_<name>`` for each ``name: (states, roles)`` of ``transitions``: the
        same state and role check as the button's method, for the view."""
        allowed_roles = {name: self._has_role(roles) for name, (_states, roles) in transitions.items()}
        for rec in self:
            for name, (states, _roles) in transitions.items():
                rec[f"can_{name}"] = allowed_roles[name] and rec.state in states

    def _users_with_role(self, group_xmlid, company):
        """Active internal users of ``company`` holding the role ``group_xmlid``."""
        return self._role_holders(cached_ref(self.env, group_xmlid), company)

    def _role_holders(self, group, company):
        """Active internal users of ``company`` in ``group``, in one query (as superuser:
        whoever acts need not read the users)."""
        return (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.id), ("company_ids", "in", company.id), ("share", "=", False)])
        )


class ServiceCustomerMixin(models.AbstractModel):
    """The customer, the contact person met and the handler of a service record."""

    _name = "service.customer.mixin"
    _description = "Service Record of a Customer"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, tracking=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Customer Entity"
    )
    # Stored for the salesperson's record rules: an index serves "my customers' records",
    # where the subquery through the customer read the whole table at every list count.
    customer_user_id = fields.Many2one(
        related="commercial_partner_id.user_id",
        store=True,
        index="btree_not_null",
        string="Customer's Salesperson",
        help="The salesperson of the customer entity, set on the customer: he sees the customer's service records.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        "Contact Person",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        "Handler",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.contact_id and self.contact_id.commercial_partner_id != self.partner_id.commercial_partner_id:
            self.contact_id = False

    @api.constrains("customer_user_id")
    def _check_customer_user_id(self):
        """The customer's salesperson is the customer's: a value written or imported
        would open the record to whom the record rules name."""
        if any(rec.customer_user_id != rec.commercial_partner_id.user_id for rec in self):
            raise ValidationError(self.env._("The customer's salesperson is set on the customer, not on the record."))


class ServiceSlaMixin(models.AbstractModel):
    """A response deadline counted from reception, and the overdue watch.

    Used beside ``service.workflow.mixin``. Concrete models define ``_sla_pending_states`` (states still waiting for the
    answer), ``_sla_period_hours()`` and the fields ``received_at``, ``user_id``,
    ``company_id``; they inherit ``mail.activity.mixin``."""

    _name = "service.sla.mixin"
    _description = "Service Response Deadline"

    _sla_pending_states = ()
    # The evidence of the response time: written by the buttons, corrected by the Sales
    # Manager only (models add their reply or response time).
    _sla_evidence_fields = ("received_at", "deadline")

    received_at = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True, index=True, copy=False)
    deadline = fields.Datetime(
        "Response Deadline",
        compute="_compute_deadline",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        copy=False,
        help="Received at plus the company's response period (calendar time, "
        "or working time when the company counts on its working calendar).",
    )
    is_overdue = fields.Boolean(
        "Overdue",
        readonly=True,
        copy=False,
        index=True,
        help="Set by the hourly SLA watch when the deadline passed without an answer.",
    )

    def _sla_period_hours(self):
        raise NotImplementedError

    @api.depends("received_at", "company_id")
    def _compute_deadline(self):
        for rec in self:
            rec.deadline = rec._sla_deadline_from(rec.received_at) if rec.received_at else False

    def _sla_deadline_from(self, start):
        self.ensure_one()
        hours = self._sla_period_hours()
        company = self.company_id or self.env.company
        calendar = company.resource_calendar_id
        if company.service_sla_use_calendar and calendar:
            working_hours = hours / 24.0 * (calendar.hours_per_day or 8.0)
            planned = calendar.plan_hours(working_hours, start, compute_leaves=True)
            if planned:
                return planned.replace(tzinfo=None)
        return start + relativedelta(hours=hours)

    @api.constrains("received_at", "deadline")
    def _check_deadline_after_reception(self):
        for rec in self:
            if rec.received_at and rec.received_at > fields.Datetime.now() + relativedelta(minutes=5):
                raise ValidationError(
                    self.env._("%(record)s cannot be received in the future.", record=rec.display_name)
                )
            if rec.deadline and rec.received_at and rec.deadline < rec.received_at:
                raise ValidationError(
                    self.env._(
                        "The deadline of %(record)s cannot be before it was received.",
                        record=rec.display_name,
                    )
                )

    def _sla_may_correct_evidence(self):
        """Only the Sales Manager corrects the deadline evidence (superuser code may)."""
        return self.env.su or self.env.user.has_group(GROUP_MANAGER)

    def _sla_evidence_labels(self, field_names):
        return ", ".join(sorted(self._fields[name]._description_string(self.env) for name in field_names))

    @api.model_create_multi
    def create(self, vals_list):
        if self._sla_may_correct_evidence():
            return super().create(vals_list)
        # A handler records what happens now: reception now, the deadline the period
        # gives, no reply or response time typed in (their buttons stamp them).
        now = fields.Datetime.now()
        for vals in vals_list:
            typed = {name for name in self._sla_evidence_fields if name != "received_at" and vals.get(name)}
            received_at = vals.get("received_at")
            if received_at and abs(fields.Datetime.to_datetime(received_at) - now) > RECEPTION_TOLERANCE:
                typed.add("received_at")
            if typed:
                raise AccessError(
                    self.env._(
                        "Only the Sales Manager may record %(fields)s other than now on a new %(model)s.",
                        fields=self._sla_evidence_labels(typed),
                        model=self.env["ir.model"]._get(self._name).name,
                    )
                )
        context = {
            key: value
            for key, value in self.env.context.items()
            if key.removeprefix("default_") not in self._sla_evidence_fields
        }
        # the whole context is replaced on purpose: it must lose the default_<evidence> keys
        records = super(ServiceSlaMixin, self.with_context(context)).create(vals_list)  # pylint: disable=context-overridden
        return records.with_env(self.env)

    def write(self, vals):
        evidence = set(vals).intersection(self._sla_evidence_fields)
        if evidence and not self._sla_may_correct_evidence() and not self._in_transition(evidence):
            raise AccessError(
                self.env._(
                    "%(fields)s of %(records)s are the evidence of the response time: only the Sales Manager "
                    "may correct them.",
                    fields=self._sla_evidence_labels(evidence),
                    records=", ".join(self.mapped("name")),
                )
            )
        res = super().write(vals)
        if "deadline" in vals or "received_at" in vals:
            now = fields.Datetime.now()
            self.filtered(lambda rec: rec.is_overdue and rec.deadline and rec.deadline >= now)._sla_clear_overdue(
                self.env._("Deadline moved")
            )
        return res

    def _sla_answered_in_time(self, answered_at):
        """Answered within the company's period counted from reception (the deadline
        field, which a manager may move, does not decide it)."""
        self.ensure_one()
        return bool(answered_at and self.received_at and answered_at <= self._sla_deadline_from(self.received_at))

    # ------------------------------------------------------------------
    # SLA watch
    # ------------------------------------------------------------------
    def _sla_overdue_domain(self):
        return [
            ("is_overdue", "=", False),
            ("state", "in", list(self._sla_pending_states)),
            ("deadline", "<", fields.Datetime.now()),
        ]

    @api.model
    def _cron_sla_watch(self, batch_size=SLA_BATCH_SIZE):
        """Flag the records whose deadline passed, one batch per call.

        A batch costs the same number of queries whatever its size (up to the ORM's
        insert batch of 100); the cron runner calls again while some remain."""
        records = self.search(self._sla_overdue_domain(), limit=batch_size, order="deadline, id")
        records = records._sla_lock_pending()
        records._sla_flag_overdue()
        remaining = self.search_count(self._sla_overdue_domain())
        self.env["ir.cron"]._notify_progress(done=len(records), remaining=remaining)
        return records

    def _sla_lock_pending(self):
        """Those of ``self`` still waiting for the answer and not flagged, locked until the
        end of the transaction; a record a user is answering right now (its row locked)
        is skipped and left to the next run."""
        if not self:
            return self
        self.flush_recordset(["state", "is_overdue"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s AND state IN %s AND NOT COALESCE(is_overdue, FALSE) "
                "FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                tuple(self.ids),
                tuple(self._sla_pending_states),
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(lambda rec: rec.id in locked)

    def _sla_flag_overdue(self):
        """Flag, then one activity for the responsible user and one Inbox notice
        for the company's service manager per record; set-based."""
        if not self:
            return
        self._write_transition({"is_overdue": True})
        activity_type = cached_ref(self.env, "customer_service_control.mail_act_service_overdue")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        users = {rec: rec.user_id or rec.company_id.service_manager_user_id or self.env.user for rec in self}
        summaries = {
            user: recipient_env(self.env, user)._("Deadline passed: answer the customer")
            for user in set(users.values())
        }
        activity_vals = [
            {
                "activity_type_id": activity_type.id,
                "res_model_id": model_id,
                "res_id": rec.id,
                "user_id": users[rec].id,
                "date_deadline": today,
                "summary": summaries[users[rec]],
                "automated": True,
            }
            for rec in self
        ]
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activity_vals)
        # The notice is addressed to the service manager: in his language.
        managers = self.company_id.service_manager_user_id
        envs = {manager: recipient_env(self.env, manager) for manager in managers}
        bodies = {}
        for rec in self:
            env = envs.get(rec.company_id.service_manager_user_id, self.env)
            bodies[rec.id] = env._(
                "The response deadline %(deadline)s passed without an answer.",
                deadline=format_datetime(env, rec.deadline, tz=rec.user_id.tz or rec.company_id.partner_id.tz),
            )
        messages = self._message_log_batch(bodies)
        message_by_res = {message.res_id: message for message in messages}
        notifications = [
            {
                "mail_message_id": message_by_res[rec.id].id,
                "res_partner_id": rec.company_id.service_manager_user_id.partner_id.id,
                "notification_type": "inbox",
                "is_read": False,
            }
            for rec in self
            if rec.company_id.service_manager_user_id
        ]
        if notifications:
            self.env["mail.notification"].sudo().create(notifications)

    def _sla_clear_overdue(self, feedback=None):
        """The answer came (or the deadline moved, or the record was cancelled):
        drop the overdue flag and close the overdue activity."""
        self.filtered("is_overdue")._write_transition({"is_overdue": False})
        self.activity_feedback(
            ["customer_service_control.mail_act_service_overdue"],
            feedback=feedback or self.env._("Answered"),
        )
