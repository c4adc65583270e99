#!/usr/bin/env python3
# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Screenshots of the add-on's main screens, in English and Chinese, for the README.

Run through ``bin/dev screenshots``, which serves a demo database and calls this script.
It drives Debian's headless Chromium through the DevTools protocol (websocket-client,
already in the test virtualenv), logs in as the demo user of each screen's role, and
writes ``<lang>_<screen>.png`` (1366 x 768, reduced to a 256-colour palette) into the
output folder. Screens whose records or menus are missing in the database are skipped
with a message; the command fails when a screen does not render.
"""

import argparse
import base64
import http.cookiejar
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import websocket
from PIL import Image

MODULE = "customer_service_control"
WIDTH, HEIGHT = 1366, 768
LANGS = ("en_US", "zh_CN")
FILE_PREFIX = {"en_US": "en", "zh_CN": "zh_CN"}
# Rendered when the web client shows an action and has nothing left to load.
BACKEND_READY = (
    "document.querySelector('.o_action_manager .o_action')"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
)


@dataclass
class Shot:
    """One screen: who looks at it and where."""

    name: str
    logins: tuple  # the first demo user of these that exists looks at it
    action: str = ""  # xml id of a window action, or "dashboard" (client action)
    record: str = ""  # xml id of the record to open in the action's form
    view_type: str = ""
    url: str = ""  # a page outside the web client (portal); else its fallback
    fallback_url: str = ""
    reveal: str = ""  # a field of the form to show: its notebook page opened, scrolled to
    ready: str = BACKEND_READY
    settle: float = 1.0  # seconds left to animations (charts) once ready


SHOTS = (
    Shot(
        "complaint_kanban",
        ("csc_manager",),
        f"{MODULE}.action_service_complaint",
        view_type="kanban",
        ready=BACKEND_READY + " && document.querySelector('.o_kanban_renderer')",
    ),
    Shot(
        "complaint_form",
        ("csc_manager",),
        f"{MODULE}.action_service_complaint",
        record=f"{MODULE}.complaint_huadong_quality",
        ready=BACKEND_READY + " && document.querySelector('.o_form_view .o_form_sheet')",
    ),
    Shot(
        "return_form",
        ("csc_gm",),
        f"{MODULE}.action_service_return",
        record=f"{MODULE}.return_huadong_noise",
        ready=BACKEND_READY + " && document.querySelector('.o_form_view .o_form_sheet')",
    ),
    Shot(
        "partner_form",
        ("csc_sales",),
        "contacts.action_contacts",
        record=f"{MODULE}.partner_huadong_motor",
        reveal="is_key_customer",
        ready=BACKEND_READY + " && document.querySelector('.o_form_view .o_form_sheet')",
    ),
    Shot(
        "dashboard",
        ("csc_manager",),
        "dashboard",
        ready="document.querySelector('.o_action_manager canvas')"
        " && !document.querySelector('.o_loading_indicator, .o_blockUI')",
        settle=2.5,
    ),
    # The add-on's portal user, else Odoo's demo portal user on the My Account page.
    Shot(
        "portal",
        ("csc_portal", "portal"),
        url="/my/complaints",
        fallback_url="/my",
        ready="document.readyState === 'complete' && document.querySelector('#wrap, main')",
    ),
)


# --- Odoo, through JSON-RPC ------------------------------------------------------------
class Odoo:
    """Admin calls on the served database, and user sessions for the browser."""

    def __init__(self, url, database, password):
        self.url = url
        self.database = database
        self.password = password
        self.uid = self._jsonrpc("common", "login", database, "admin", password)
        if not self.uid:
            sys.exit(f"The admin login is refused on {database}: pass --admin-password.")

    def _post(self, path, params, opener=None):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with (opener or urllib.request.build_opener()).open(request, timeout=300) as response:
            reply = json.load(response)
        if reply.get("error"):
            raise RuntimeError(reply["error"]["data"]["message"])
        return reply["result"]

    def _jsonrpc(self, service, method, *args):
        return self._post("/jsonrpc", {"service": service, "method": method, "args": args})

    def call(self, model, method, *args, **kwargs):
        return self._jsonrpc(
            "object", "execute_kw", self.database, self.uid, self.password, model, method, args, kwargs
        )

    def res_id(self, xmlid):
        """The record id of an xml id, or 0 when the database has no such record."""
        module, name = xmlid.split(".")
        rows = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
        return rows[0]["res_id"] if rows else 0

    def session(self, logins):
        """The first of these demo users that exists, and its session cookie (password =
        login); (None, None) when none exists."""
        users = self.call("res.users", "search_read", [("login", "in", list(logins))], ["login"])
        found = {user["login"] for user in users}
        login = next((login for login in logins if login in found), None)
        if not login:
            return None, None
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self._post(
            "/web/session/authenticate",
            {"db": self.database, "login": login, "password": login},
            opener,
        )
        return login, next(cookie.value for cookie in jar if cookie.name == "session_id")

    def answers(self, path, session_id):
        """Whether the page answers 200 to that session (a route may not exist yet)."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": f"session_id={session_id}"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status == 200
        except urllib.error.HTTPError:
            return False

    def ensure_lang(self, code):
        if self.call("res.lang", "search", [("code", "=", code), ("active", "=", True)]):
            return
        print(f"    loading {code} into {self.database}")
        lang_ids = self.call("res.lang", "search", [("code", "=", code), ("active", "=", False)])
        wizard = self.call("base.language.install", "create", {"lang_ids": [(6, 0, lang_ids)]})
        self.call("base.language.install", "lang_install", [wizard])


# --- Chromium, through the DevTools protocol -------------------------------------------
class Chromium:
    """One headless Chromium page driven over its DevTools websocket."""

    def __init__(self):
        binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
        if not binary:
            sys.exit("Chromium is missing: bin/dev installs Debian's chromium package (as root).")
        self.profile = tempfile.mkdtemp(prefix="csc-shots-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-translate",
                "--hide-scrollbars",
                "--no-first-run",
                "--no-default-browser-check",
                "--force-device-scale-factor=1",
                f"--window-size={WIDTH},{HEIGHT}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            page = next(t for t in json.load(response) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=300, suppress_origin=True)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _devtools_port(self):
        active = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.exists(active):
                with open(active, encoding="utf-8") as f:
                    first = f.readline().strip()
                if first:
                    return int(first)
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.close()
        sys.exit("Chromium did not start its DevTools endpoint.")

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']['message']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url, session_id, ready, timeout):
        """Open url as the session's user; wait until the ready expression holds."""
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=session_id, url=url, httpOnly=True)
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if self.evaluate(f"!!({ready})"):
                self.evaluate("document.fonts.ready.then(() => true)")
                return True
        return False

    def reveal(self, field):
        """Open the notebook page that holds the field and scroll it to the middle."""
        script = """(async (name) => {
            const find = () => document.querySelector(`.o_form_view .o_field_widget[name="${name}"]`);
            const tabs = [null, ...document.querySelectorAll('.o_form_view .o_notebook_headers .nav-link')];
            for (const tab of tabs) {
                if (tab) {
                    tab.click();
                    await new Promise((resolve) => setTimeout(resolve, 400));
                }
                const field = find();
                if (field) {
                    field.scrollIntoView({block: 'center'});
                    return true;
                }
            }
            return false;
        })(%s)""" % json.dumps(field)
        result = self.send("Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True)
        return result.get("result", {}).get("value")

    def capture(self):
        # No caret, focus ring or hover state in the picture.
        self.evaluate("document.activeElement && document.activeElement.blur()")
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=WIDTH - 1, y=HEIGHT - 1)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        return base64.b64decode(data)

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


# --- Screens ----------------------------------------------------------------------------
def shot_url(odoo, shot, login, session_id):
    """The address of the screen in this database, or a reason to skip it."""
    if shot.url:
        for path in filter(None, (shot.url, shot.fallback_url)):
            if odoo.answers(path, session_id):
                return odoo.url + path, ""
        return "", f"{shot.url} does not answer for {login}"
    if shot.action == "dashboard":
        actions = odoo.call("ir.actions.client", "search", [("tag", "=like", f"{MODULE}.%dashboard%")], limit=1)
        if not actions:
            return "", "no dashboard (client action) in this database"
        return f"{odoo.url}/odoo/action-{actions[0]}", ""
    if not odoo.res_id(shot.action):
        return "", f"no action {shot.action}"
    url = f"{odoo.url}/odoo/action-{shot.action}"
    if shot.record:
        res_id = odoo.res_id(shot.record)
        if not res_id:
            return "", f"no record {shot.record}"
        url += f"/{res_id}"
    if shot.view_type:
        url += f"?view_type={shot.view_type}"
    return url, ""


def save_png(png, path):
    """Write the capture as a 256-colour palette PNG: a fraction of the size, same look."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="served Odoo, e.g. http://127.0.0.1:8069")
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", required=True, help="folder of the PNGs")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--only", nargs="*", default=(), help="names of the screens to take")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a screen may take to render")
    args = parser.parse_args()

    odoo = wait_for_server(args)
    shots = [shot for shot in SHOTS if not args.only or shot.name in args.only]
    logins = sorted({login for shot in shots for login in shot.logins})
    users = odoo.call("res.users", "search_read", [("login", "in", logins)], ["lang"])
    original_langs = {user["id"]: user["lang"] for user in users}
    os.makedirs(args.out, exist_ok=True)
    browser = Chromium()
    failed = []
    try:
        for lang in LANGS:
            odoo.ensure_lang(lang)
            if original_langs:
                odoo.call("res.users", "write", list(original_langs), {"lang": lang})
            for shot in shots:
                login, session_id = odoo.session(shot.logins)
                if login:
                    url, reason = shot_url(odoo, shot, login, session_id)
                else:
                    url, reason = "", f"no user {' or '.join(shot.logins)}"
                name = f"{FILE_PREFIX[lang]}_{shot.name}.png"
                if not url:
                    print(f"    skipped {name}: {reason}")
                    continue
                if not browser.open(url, session_id, shot.ready, args.timeout):
                    failed.append(name)
                    print(f"    FAILED {name}: {url} did not render in {args.timeout:g} s")
                    continue
                if shot.reveal and not browser.reveal(shot.reveal):
                    print(f"    warning {name}: no field {shot.reveal} on any page of the form")
                time.sleep(shot.settle)
                save_png(browser.capture(), os.path.join(args.out, name))
                print(f"    wrote {name} ({login}: {url.removeprefix(odoo.url)})")
    finally:
        browser.close()
        for user_id, lang in original_langs.items():
            odoo.call("res.users", "write", [user_id], {"lang": lang})
    if failed:
        sys.exit(f"Screens that did not render: {', '.join(failed)}")


def wait_for_server(args):
    """The admin connection, once the server answers (it loads the registry first)."""
    deadline = time.monotonic() + 600
    while True:
        try:
            with urllib.request.urlopen(args.url + "/web/health", timeout=30):
                return Odoo(args.url, args.database, args.admin_password)
        except OSError:  # refused, reset or timed out while Odoo starts
            if time.monotonic() > deadline:
                sys.exit(f"Odoo does not answer at {args.url}.")
            time.sleep(1)


if __name__ == "__main__":
    main()
