#!/usr/bin/env node
// A scripted LSP session driven by VS Code's own JSON-RPC stack (vscode-jsonrpc +
// vscode-languageserver-protocol, the libraries under vscode-languageclient), over
// stdio, TCP, a Unix socket or WebSocket (one JSON message per text frame, as
// monaco-languageclient / vscode-ws-jsonrpc do). Prints a JSON transcript on stdout.
//
//   node client.js --scenario s.json --stdio -- python -m rholang_lsp.cli.main serve --stdio
//   node client.js --scenario s.json --tcp 127.0.0.1:7777
//   node client.js --scenario s.json --unix /tmp/lsp.sock
//   node client.js --scenario s.json --ws ws://127.0.0.1:7777
//
// Scenario (JSON): { rootUri, document: {uri, languageId, text, version},
//   hover: {line, character}, definition: {line, character}, repeat: N (extra timed hovers),
//   waitForSource: "rnode" (also wait for diagnostics with a source starting so),
//   codeLens: true (ask for the document's code lenses),
//   executeCommand: {command, arguments} (run it; window/showMessage and logMessage kept),
//   timeoutMs }
"use strict";

const cp = require("child_process");
const fs = require("fs");
const net = require("net");
const { performance } = require("perf_hooks");
const rpc = require("vscode-jsonrpc/node");
const lsp = require("vscode-languageserver-protocol/node");

function parseArgs(argv) {
  const out = { scenario: null, mode: null, target: null, command: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--scenario") out.scenario = argv[++i];
    else if (a === "--tcp" || a === "--unix" || a === "--ws") {
      out.mode = a.slice(2);
      out.target = argv[++i];
    } else if (a === "--stdio") out.mode = "stdio";
    else if (a === "--") {
      out.command = argv.slice(i + 1);
      break;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!out.scenario || !out.mode) throw new Error("need --scenario and a transport");
  if (out.mode === "stdio" && out.command.length === 0) throw new Error("--stdio needs -- CMD");
  return out;
}

// ------------------------------------------------------------------ WebSocket reader/writer

class WebSocketMessageReader extends rpc.AbstractMessageReader {
  constructor(socket, transcript) {
    super();
    this.socket = socket;
    this.transcript = transcript;
    this.callback = null;
    this.buffer = [];
    socket.on("message", (data, isBinary) => {
      this.transcript.ws.framesReceived++;
      if (isBinary) this.transcript.ws.binaryFrames++;
      let msg;
      try {
        msg = JSON.parse(data.toString("utf8"));
      } catch (e) {
        this.fireError(new Error(`frame is not JSON: ${e.message}`));
        return;
      }
      // vscode-ws-jsonrpc hands each frame to the connection as one message: a JSON-RPC
      // batch array would be a protocol error for it. Record it (the test fails on it).
      if (Array.isArray(msg)) {
        this.transcript.ws.batchFrames++;
        for (const m of msg) this.deliver(m);
      } else this.deliver(msg);
    });
    socket.on("error", (e) => this.fireError(e));
    socket.on("close", (code, reason) => {
      this.transcript.ws.closeCode = code;
      this.fireClose();
    });
  }
  deliver(msg) {
    if (this.callback) this.callback(msg);
    else this.buffer.push(msg);
  }
  listen(callback) {
    this.callback = callback;
    for (const m of this.buffer.splice(0)) callback(m);
    return { dispose: () => (this.callback = null) };
  }
}

class WebSocketMessageWriter extends rpc.AbstractMessageWriter {
  constructor(socket, transcript) {
    super();
    this.socket = socket;
    this.transcript = transcript;
  }
  write(msg) {
    return new Promise((resolve, reject) => {
      this.transcript.ws.framesSent++;
      this.socket.send(JSON.stringify(msg), { binary: false }, (err) => {
        if (err) {
          this.fireError([err, msg, undefined]);
          reject(err);
        } else resolve();
      });
    });
  }
  end() {}
}

// ------------------------------------------------------------------ transports

async function openTransport(args, transcript) {
  if (args.mode === "stdio") {
    const child = cp.spawn(args.command[0], args.command.slice(1), {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    return {
      reader: new rpc.StreamMessageReader(child.stdout),
      writer: new rpc.StreamMessageWriter(child.stdin),
      closed: exited,
      kill: () => child.kill("SIGKILL"),
    };
  }
  if (args.mode === "tcp" || args.mode === "unix") {
    let options;
    if (args.mode === "tcp") {
      const i = args.target.lastIndexOf(":");
      options = { host: args.target.slice(0, i), port: Number(args.target.slice(i + 1)) };
    } else options = { path: args.target };
    const socket = net.connect(options);
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    // Like VS Code's socket transports: no setNoDelay, plain net.Socket.
    const closed = new Promise((resolve) => socket.on("close", () => resolve(null)));
    return {
      reader: new rpc.SocketMessageReader(socket),
      writer: new rpc.SocketMessageWriter(socket),
      closed,
      kill: () => socket.destroy(),
    };
  }
  if (args.mode === "ws") {
    const WebSocket = require("ws");
    const socket = new WebSocket(args.target, { perMessageDeflate: true });
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    transcript.ws.protocol = socket.protocol;
    transcript.ws.extensions = socket.extensions;
    const closed = new Promise((resolve) => socket.on("close", () => resolve(null)));
    return {
      reader: new WebSocketMessageReader(socket, transcript),
      writer: new WebSocketMessageWriter(socket, transcript),
      closed,
      kill: () => socket.terminate(),
    };
  }
  throw new Error(`unknown mode ${args.mode}`);
}

// VS Code 1.9x-like client capabilities (the parts servers commonly look at).
function clientCapabilities() {
  return {
    workspace: {
      applyEdit: true,
      workspaceEdit: {
        documentChanges: true,
        resourceOperations: ["create", "rename", "delete"],
        failureHandling: "textOnlyTransactional",
        normalizesLineEndings: true,
        changeAnnotationSupport: { groupsOnLabel: true },
      },
      configuration: true,
      didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
      symbol: { dynamicRegistration: true, resolveSupport: { properties: ["location.range"] } },
      codeLens: { refreshSupport: true },
      executeCommand: { dynamicRegistration: true },
      didChangeConfiguration: { dynamicRegistration: true },
      workspaceFolders: true,
      semanticTokens: { refreshSupport: true },
      fileOperations: { dynamicRegistration: true, didRename: true, willRename: true },
      inlayHint: { refreshSupport: true },
      diagnostics: { refreshSupport: true },
    },
    textDocument: {
      publishDiagnostics: {
        relatedInformation: true,
        versionSupport: false,
        tagSupport: { valueSet: [1, 2] },
        codeDescriptionSupport: true,
        dataSupport: true,
      },
      synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
      completion: {
        dynamicRegistration: true,
        contextSupport: true,
        completionItem: {
          snippetSupport: true,
          commitCharactersSupport: true,
          documentationFormat: ["markdown", "plaintext"],
          deprecatedSupport: true,
          preselectSupport: true,
          tagSupport: { valueSet: [1] },
          insertReplaceSupport: true,
          resolveSupport: { properties: ["documentation", "detail", "additionalTextEdits"] },
          insertTextModeSupport: { valueSet: [1, 2] },
          labelDetailsSupport: true,
        },
        insertTextMode: 2,
        completionItemKind: { valueSet: Array.from({ length: 25 }, (_, i) => i + 1) },
        completionList: { itemDefaults: ["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"] },
      },
      hover: { dynamicRegistration: true, contentFormat: ["markdown", "plaintext"] },
      signatureHelp: {
        dynamicRegistration: true,
        signatureInformation: {
          documentationFormat: ["markdown", "plaintext"],
          parameterInformation: { labelOffsetSupport: true },
          activeParameterSupport: true,
        },
        contextSupport: true,
      },
      definition: { dynamicRegistration: true, linkSupport: true },
      references: { dynamicRegistration: true },
      documentHighlight: { dynamicRegistration: true },
      documentSymbol: {
        dynamicRegistration: true,
        symbolKind: { valueSet: Array.from({ length: 26 }, (_, i) => i + 1) },
        hierarchicalDocumentSymbolSupport: true,
        tagSupport: { valueSet: [1] },
        labelSupport: true,
      },
      codeAction: {
        dynamicRegistration: true,
        isPreferredSupport: true,
        disabledSupport: true,
        dataSupport: true,
        resolveSupport: { properties: ["edit"] },
        codeActionLiteralSupport: {
          codeActionKind: {
            valueSet: ["", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite", "source", "source.organizeImports"],
          },
        },
        honorsChangeAnnotations: true,
      },
      formatting: { dynamicRegistration: true },
      rangeFormatting: { dynamicRegistration: true, rangesSupport: true },
      rename: { dynamicRegistration: true, prepareSupport: true, prepareSupportDefaultBehavior: 1, honorsChangeAnnotations: true },
      foldingRange: {
        dynamicRegistration: true,
        rangeLimit: 5000,
        lineFoldingOnly: true,
        foldingRangeKind: { valueSet: ["comment", "imports", "region"] },
        foldingRange: { collapsedText: false },
      },
      selectionRange: { dynamicRegistration: true },
      semanticTokens: {
        dynamicRegistration: true,
        tokenTypes: ["namespace", "type", "class", "enum", "interface", "struct", "typeParameter", "parameter", "variable", "property", "enumMember", "event", "function", "method", "macro", "keyword", "modifier", "comment", "string", "number", "regexp", "operator", "decorator"],
        tokenModifiers: ["declaration", "definition", "readonly", "static", "deprecated", "abstract", "async", "modification", "documentation", "defaultLibrary"],
        formats: ["relative"],
        requests: { range: true, full: { delta: true } },
        multilineTokenSupport: false,
        overlappingTokenSupport: false,
        serverCancelSupport: true,
        augmentsSyntaxTokens: true,
      },
      inlayHint: { dynamicRegistration: true, resolveSupport: { properties: ["tooltip", "textEdits", "label.tooltip", "label.location", "label.command"] } },
      diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
    },
    window: {
      showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
      showDocument: { support: true },
      workDoneProgress: true,
    },
    general: {
      staleRequestSupport: {
        cancel: true,
        retryOnContentModified: ["textDocument/semanticTokens/full", "textDocument/semanticTokens/range", "textDocument/semanticTokens/full/delta"],
      },
      regularExpressions: { engine: "ECMAScript", version: "ES2020" },
      markdown: { parser: "marked", version: "1.1.0" },
      positionEncodings: ["utf-16"],
    },
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const scenario = JSON.parse(fs.readFileSync(args.scenario, "utf8"));
  const timeoutMs = scenario.timeoutMs || 15000;
  const doc = scenario.document;
  const transcript = {
    transport: args.mode,
    errors: [],
    serverRequests: [],
    notifications: {},
    progress: [],
    timingsMs: {},
    ws: { framesReceived: 0, framesSent: 0, binaryFrames: 0, batchFrames: 0 },
  };
  const t = await openTransport(args, transcript);
  const conn = lsp.createProtocolConnection(t.reader, t.writer);
  conn.onError(([err]) => transcript.errors.push(`connection error: ${err && err.message}`));
  const closed = t.closed.then((code) => {
    transcript.connectionClosed = true;
    return code;
  });

  // Server -> client requests, answered as VS Code does.
  const createdTokens = new Set();
  conn.onRequest(lsp.WorkDoneProgressCreateRequest.type, (params) => {
    transcript.serverRequests.push({ method: "window/workDoneProgress/create", params });
    createdTokens.add(JSON.stringify(params.token));
    return null;
  });
  conn.onRequest(lsp.RegistrationRequest.type, (params) => {
    transcript.serverRequests.push({ method: "client/registerCapability", params });
    return null;
  });
  conn.onRequest(lsp.UnregistrationRequest.type, (params) => {
    transcript.serverRequests.push({ method: "client/unregisterCapability", params });
    return null;
  });
  conn.onRequest(lsp.ConfigurationRequest.type, (params) => {
    transcript.serverRequests.push({ method: "workspace/configuration", params });
    return params.items.map(() => null);
  });
  conn.onRequest(lsp.WorkspaceFoldersRequest.type, () => {
    transcript.serverRequests.push({ method: "workspace/workspaceFolders" });
    return scenario.rootUri ? [{ uri: scenario.rootUri, name: "root" }] : null;
  });
  conn.onRequest((method, params) => {
    transcript.serverRequests.push({ method, params, unhandled: true });
    return new rpc.ResponseError(rpc.ErrorCodes.MethodNotFound, `client: no ${method}`);
  });
  // vscode-jsonrpc routes $/progress to per-token handlers; none are registered here.
  conn.onUnhandledProgress((params) => {
    const known = createdTokens.has(JSON.stringify(params.token));
    transcript.progress.push({ token: params.token, kind: params.value && params.value.kind, created: known });
  });
  const diagnostics = [];
  let diagWaiter = null;
  let messageWaiter = null;
  transcript.messages = [];
  conn.onNotification((method, params) => {
    transcript.notifications[method] = (transcript.notifications[method] || 0) + 1;
    if (method === "window/showMessage" || method === "window/logMessage") {
      transcript.messages.push({ method, type: params.type, message: params.message });
      if (messageWaiter) messageWaiter();
    }
    if (method === "textDocument/publishDiagnostics") {
      diagnostics.push(params);
      if (diagWaiter) diagWaiter();
    }
  });
  conn.listen();

  const t0 = performance.now();
  const time = async (name, fn) => {
    const s = performance.now();
    const r = await withTimeout(fn(), timeoutMs, name);
    transcript.timingsMs[name] = +(performance.now() - s).toFixed(3);
    return r;
  };
  try {
    const init = await time("initialize", () =>
      conn.sendRequest(lsp.InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: "Visual Studio Code (vscode-jsonrpc test client)", version: "1.95.0" },
        locale: "en",
        rootPath: scenario.rootPath || null,
        rootUri: scenario.rootUri || null,
        capabilities: clientCapabilities(),
        trace: "off",
        workspaceFolders: scenario.rootUri ? [{ uri: scenario.rootUri, name: "root" }] : null,
      }),
    );
    transcript.serverInfo = init.serverInfo || null;
    transcript.capabilities = init.capabilities;
    await conn.sendNotification(lsp.InitializedNotification.type, {});
    await conn.sendNotification(lsp.DidChangeConfigurationNotification.type, { settings: {} });
    await conn.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: doc.uri, languageId: doc.languageId || "rholang", version: doc.version || 1, text: doc.text },
    });
    const opened = performance.now();
    const published = await withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const hit = diagnostics.find((d) => d.uri === doc.uri && d.diagnostics.length > 0);
          if (hit) resolve(hit);
        };
        diagWaiter = check;
        check();
      }),
      timeoutMs,
      "publishDiagnostics",
    );
    transcript.timingsMs.diagnostics = +(performance.now() - opened).toFixed(3);
    transcript.diagnostics = published;
    const textDocument = { uri: doc.uri };
    if (scenario.waitForSource) {
      const prefix = scenario.waitForSource;
      transcript.sourcedDiagnostics = await withTimeout(
        new Promise((resolve) => {
          const check = () => {
            const hit = diagnostics.find(
              (d) => d.uri === doc.uri && d.diagnostics.some((x) => (x.source || "").startsWith(prefix)),
            );
            if (hit) resolve(hit);
          };
          diagWaiter = check;
          check();
        }),
        timeoutMs,
        `diagnostics from ${prefix}`,
      );
      transcript.timingsMs.sourcedDiagnostics = +(performance.now() - opened).toFixed(3);
    }
    if (scenario.codeLens) {
      transcript.codeLens = await time("codeLens", () =>
        conn.sendRequest(lsp.CodeLensRequest.type, { textDocument }),
      );
    }
    if (scenario.executeCommand) {
      transcript.executeCommand = await time("executeCommand", () =>
        conn.sendRequest(lsp.ExecuteCommandRequest.type, scenario.executeCommand),
      );
      // the output's notification follows the answer on the same connection
      await withTimeout(
        new Promise((resolve) => {
          const check = () => {
            if (transcript.messages.some((m) => m.method === "window/showMessage" && m.message.startsWith("Evaluated"))) resolve();
          };
          messageWaiter = check;
          check();
        }),
        timeoutMs,
        "window/showMessage after executeCommand",
      );
    }
    if (scenario.hover) {
      transcript.hover = await time("hover", () =>
        conn.sendRequest(lsp.HoverRequest.type, { textDocument, position: scenario.hover }),
      );
    }
    if (scenario.definition) {
      transcript.definition = await time("definition", () =>
        conn.sendRequest(lsp.DefinitionRequest.type, { textDocument, position: scenario.definition }),
      );
    }
    const lat = [];
    for (let i = 0; i < (scenario.repeat || 0); i++) {
      const s = performance.now();
      await withTimeout(
        conn.sendRequest(lsp.HoverRequest.type, { textDocument, position: scenario.hover }),
        timeoutMs,
        "repeated hover",
      );
      lat.push(+(performance.now() - s).toFixed(3));
    }
    transcript.hoverLatenciesMs = lat;
    transcript.shutdown = await time("shutdown", () => conn.sendRequest(lsp.ShutdownRequest.type));
    await conn.sendNotification(lsp.ExitNotification.type);
    const code = await withTimeout(closed, timeoutMs, "server closing the connection after exit");
    if (args.mode === "stdio") transcript.exitCode = code;
  } catch (e) {
    transcript.errors.push(String((e && e.stack) || e));
    t.kill();
  }
  transcript.timingsMs.total = +(performance.now() - t0).toFixed(3);
  conn.dispose();
  process.stdout.write(JSON.stringify(transcript, null, 1) + "\n");
  process.exit(transcript.errors.length ? 1 : 0);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ errors: [String((e && e.stack) || e)] }) + "\n");
  process.exit(2);
});
