#!/usr/bin/env node
// Drives the web editor of examples/web/ in a real headless Chromium (puppeteer-core, the
// system's browser) the way a user would: it waits for the squiggle, moves the mouse over a
// name, types and asks for completion, presses F12 and Ctrl+., and records what the page
// shows. tests/e2e/test_web_editor.py starts the server and the page and checks the record.
//
//   node web_editor.js CONFIG.json      (prints the record as JSON on stdout)
//
// CONFIG: { chromium, pageUrl, artifacts, foreignOrigin, wsUrl, wsUrlAllowingForeign,
//           hover: {line, column}, definitionFrom: {line, column}, unbound: "stdot",
//           completion: {line, column, typed, expect}, timeoutMs }
// Lines and columns as Monaco counts them: 1-based, columns in UTF-16 code units.
// A failing step leaves a screenshot in artifacts/ and its error in the record.
"use strict";

const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const timeout = config.timeoutMs ?? 20000;
const record = { steps: {}, errors: {}, console: [] };

async function step(page, name, fn) {
  const t0 = Date.now();
  try {
    record.steps[name] = await fn();
  } catch (e) {
    record.errors[name] = String(e && e.stack ? e.stack : e);
    if (page) {
      const file = path.join(config.artifacts, `failure-${name}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      record.errors[name] += `\nscreenshot: ${file}`;
      // what the editor holds at the failure: its text and the server's markers on it
      const state = await page
        .evaluate(() => {
          const { model, monaco } = window.rholang;
          return {
            version: model.getVersionId(),
            text: model.getValue(),
            markers: monaco.editor
              .getModelMarkers({ owner: "rholang" })
              .map((m) => `${m.startLineNumber}:${m.startColumn} ${m.message}`),
          };
        })
        .catch((e) => ({ unavailable: String(e) }));
      record.errors[name] += `\neditor: ${JSON.stringify(state)}`;
    }
  }
  record[`${name}Ms`] = Date.now() - t0;
}

// Page coordinates of a (1-based) line/column, as the mouse would point at it.
async function pointAt(page, line, column) {
  return page.evaluate(
    ({ line, column }) => {
      const { editor } = window.rholang;
      editor.revealPositionInCenter({ lineNumber: line, column });
      const p = editor.getScrolledVisiblePosition({ lineNumber: line, column });
      const box = editor.getDomNode().getBoundingClientRect();
      return { x: box.left + p.left + 3, y: box.top + p.top + p.height / 2 };
    },
    { line, column },
  );
}

async function clickAt(page, line, column) {
  const { x, y } = await pointAt(page, line, column);
  await page.mouse.click(x, y);
  await page.waitForFunction(
    (l, c) => {
      const p = window.rholang.editor.getPosition();
      return p.lineNumber === l && Math.abs(p.column - c) <= 1;
    },
    { timeout },
    line,
    column,
  );
  // exactly there (a click lands between two characters)
  await page.evaluate((l, c) => window.rholang.editor.setPosition({ lineNumber: l, column: c }), line, column);
}

const visibleText = (page, selector) =>
  page.$$eval(selector, (els) =>
    els.filter((e) => e.offsetParent !== null || e.getClientRects().length).map((e) => e.innerText),
  );

async function main() {
  fs.mkdirSync(config.artifacts, { recursive: true });
  const t0 = Date.now();
  const browser = await puppeteer.launch({
    executablePath: config.chromium,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      // Chromium asks the user before a public site may reach 127.0.0.1 (Local Network
      // Access); a user who answers "Allow" leaves the decision to the server's origin check,
      // which is what the foreign-origin step tests.
      "--disable-features=LocalNetworkAccessChecks",
    ],
  });
  record.browserVersion = await browser.version();
  record.launchMs = Date.now() - t0;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    page.on("console", (m) => record.console.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => record.console.push(`pageerror: ${e.message}`));

    await step(page, "load", async () => {
      await page.goto(config.pageUrl, { waitUntil: "load", timeout });
      await page.waitForFunction(() => window.rholang, { timeout });
      await page.evaluate(() => window.rholang.ready);
      return page.$eval("#status", (e) => e.textContent);
    });

    await step(page, "marker", async () => {
      // the squiggle a user sees, and the marker under it
      await page.waitForSelector(".squiggly-error", { visible: true, timeout });
      return page.evaluate((name) => {
        const { monaco } = window.rholang;
        return monaco.editor
          .getModelMarkers({ owner: "rholang" })
          .filter((m) => m.message.includes(name))
          .map((m) => ({
            line: m.startLineNumber,
            column: m.startColumn,
            endColumn: m.endColumn,
            severity: m.severity,
            message: m.message,
          }));
      }, config.unbound);
    });

    await step(page, "hover", async () => {
      // the cursor on the name, then Ctrl+K Ctrl+I ("Show Hover"; a mouse hover is the same
      // widget, but its timing depends on pointer events a headless run does not pace)
      await clickAt(page, config.hover.line, config.hover.column);
      await page.keyboard.down("Control");
      await page.keyboard.press("KeyK");
      await page.keyboard.press("KeyI");
      await page.keyboard.up("Control");
      await page.waitForFunction(
        () => [...document.querySelectorAll(".monaco-hover-content")].some((e) => e.innerText.trim()),
        { timeout },
      );
      const text = await visibleText(page, ".monaco-hover-content");
      await page.keyboard.press("Escape");
      return text.join("\n");
    });

    await step(page, "completion", async () => {
      const c = config.completion;
      await clickAt(page, c.line, c.column);
      await page.keyboard.press("Enter");
      await page.keyboard.type(c.typed, { delay: 20 });
      await page.keyboard.down("Control");
      await page.keyboard.press("Space");
      await page.keyboard.up("Control");
      await page.waitForFunction(
        (expect) =>
          [...document.querySelectorAll(".suggest-widget .monaco-list-row")].some((r) =>
            r.innerText.includes(expect),
          ),
        { timeout },
        c.expect,
      );
      const labels = await page.$$eval(".suggest-widget .monaco-list-row .label-name", (els) =>
        els.map((e) => e.innerText),
      );
      // accept the highlighted item, as Enter does
      const before = await page.evaluate(() => window.rholang.model.getLineContent(window.rholang.editor.getPosition().lineNumber));
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        (b) => window.rholang.model.getLineContent(window.rholang.editor.getPosition().lineNumber) !== b,
        { timeout },
        before,
      );
      const inserted = await page.evaluate(() =>
        window.rholang.model.getLineContent(window.rholang.editor.getPosition().lineNumber),
      );
      await page.keyboard.press("Escape");
      // back to the original text (as Ctrl+Z would), then the server's answer to that
      await page.evaluate(() => {
        const { editor } = window.rholang;
        while (editor.getModel().canUndo()) editor.getModel().undo();
      });
      return { labels, inserted };
    });

    await step(page, "definition", async () => {
      const d = config.definitionFrom;
      await clickAt(page, d.line, d.column);
      await page.keyboard.press("F12");
      await page.waitForFunction(
        (l) => window.rholang.editor.getPosition().lineNumber !== l,
        { timeout },
        d.line,
      );
      const p = await page.evaluate(() => window.rholang.editor.getPosition());
      const sel = await page.evaluate(() => window.rholang.editor.getSelection());
      return { line: p.lineNumber, column: p.column, selection: sel };
    });

    await step(page, "quickFix", async () => {
      const marker = record.steps.marker && record.steps.marker[0];
      if (!marker) throw new Error("no marker to fix");
      await page.waitForFunction(
        (name) => window.rholang.monaco.editor.getModelMarkers({ owner: "rholang" }).some((m) => m.message.includes(name)),
        { timeout },
        config.unbound,
      );
      await clickAt(page, marker.line, marker.column + 1);
      const before = await page.evaluate(() => window.rholang.model.getValue());
      // Ctrl+. opens the quick-fix widget; on a loaded machine the keystroke can reach the
      // editor before the click's focus has settled and is dropped (the light bulb is shown,
      // no widget): press it again, at most three times, each waiting for the widget
      let opened = false;
      for (let attempt = 0; attempt < 3 && !opened; attempt++) {
        // the pointer out of the way: a widget opening under it would focus the row it
        // hovers, and Enter would apply that one instead of the first
        await page.mouse.move(1, 1);
        await page.keyboard.down("Control");
        await page.keyboard.press(".");
        await page.keyboard.up("Control");
        opened = await page
          .waitForSelector(".action-widget .monaco-list-row.action", { visible: true, timeout: timeout / 3 })
          .then(() => true, () => false);
        if (!opened) await clickAt(page, marker.line, marker.column + 1);
      }
      if (!opened) throw new Error("the quick-fix widget did not open after three Ctrl+.");
      const titles = await page.$$eval(".action-widget .monaco-list-row.action", (els) =>
        els.map((e) => e.innerText.trim()),
      );
      record.quickFixTitles = titles; // kept when a later wait fails
      await page.keyboard.press("Enter"); // the first (focused) fix
      await page.waitForFunction((b) => window.rholang.model.getValue() !== b, { timeout }, before);
      const after = await page.evaluate(() => window.rholang.model.getValue());
      // the server re-checks the fixed text: the marker goes away
      await page.waitForFunction(
        (name) => !window.rholang.monaco.editor.getModelMarkers({ owner: "rholang" }).some((m) => m.message.includes(name)),
        { timeout },
        config.unbound,
      );
      return { titles, before, after };
    });

    await step(page, "foreignOrigin", async () => {
      // A page served from another site opens a WebSocket to the server: the browser sends
      // that site as Origin. The page itself only sees a failed connection; the status is in
      // the browser's console (refused) and the DevTools protocol's events (accepted).
      const foreign = await browser.newPage();
      const messages = []; // Chromium reports a refused handshake's status in the console
      foreign.on("console", (m) => messages.push(m.text()));
      const handshakes = [];
      const cdp = await foreign.createCDPSession();
      await cdp.send("Network.enable");
      cdp.on("Network.webSocketHandshakeResponseReceived", (e) =>
        handshakes.push({ status: e.response.status }),
      );
      await foreign.setRequestInterception(true);
      foreign.on("request", (req) => {
        if (req.url().startsWith(config.foreignOrigin)) {
          req.respond({ status: 200, contentType: "text/html", body: "<!doctype html><title>elsewhere</title>" });
        } else {
          req.continue();
        }
      });
      await foreign.goto(config.foreignOrigin + "/", { timeout });
      const tryConnect = (url) =>
        foreign.evaluate(
          (u) =>
            new Promise((resolve) => {
              const ws = new WebSocket(u);
              ws.onopen = () => {
                ws.close();
                resolve({ opened: true, origin: location.origin });
              };
              ws.onclose = (e) => resolve({ opened: false, code: e.code, origin: location.origin });
            }),
          url,
        );
      const refused = await tryConnect(config.wsUrl);
      const allowed = config.wsUrlAllowingForeign ? await tryConnect(config.wsUrlAllowingForeign) : null;
      // the CDP event of the accepted handshake may trail the page's open event
      const deadline = Date.now() + timeout;
      while (allowed && handshakes.length < 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await foreign.close();
      return { refused, allowed, handshakes, messages };
    });
    await page.close();
  } finally {
    await browser.close();
  }
}

main()
  .catch((e) => {
    record.errors.driver = String(e && e.stack ? e.stack : e);
  })
  .finally(() => {
    process.stdout.write(JSON.stringify(record) + "\n");
  });
