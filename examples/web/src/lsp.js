// The glue between Monaco and a language server: an LSP client over a WebSocket
// (vscode-ws-jsonrpc framing: one JSON message per text frame) and Monaco providers that
// forward to it. Positions need no conversion beyond 0- vs 1-based: Monaco counts columns
// in UTF-16 code units, the LSP default encoding, which this client asks for.
import { toSocket, WebSocketMessageReader, WebSocketMessageWriter } from "vscode-ws-jsonrpc";
import { createProtocolConnection } from "vscode-languageserver-protocol/browser.js";

const toRange = (monaco, r) =>
  new monaco.Range(r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1);
const fromPosition = (p) => ({ line: p.lineNumber - 1, character: p.column - 1 });
const fromRange = (r) => ({
  start: { line: r.startLineNumber - 1, character: r.startColumn - 1 },
  end: { line: r.endLineNumber - 1, character: r.endColumn - 1 },
});

const MARKER_SEVERITY = { 1: 8, 2: 4, 3: 2, 4: 1 }; // LSP -> monaco.MarkerSeverity
// LSP CompletionItemKind (1-based) -> monaco.languages.CompletionItemKind
const COMPLETION_KIND = {
  1: 18, 2: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5, 8: 7, 9: 8, 10: 9, 11: 12, 12: 13, 13: 15,
  14: 17, 15: 27, 16: 19, 17: 20, 18: 21, 19: 23, 20: 16, 21: 14, 22: 6, 23: 10, 24: 11, 25: 24,
};

function markdown(contents) {
  if (contents == null) return [];
  if (Array.isArray(contents)) return contents.flatMap(markdown);
  if (typeof contents === "string") return [{ value: contents }];
  if ("language" in contents) return [{ value: "```" + contents.language + "\n" + contents.value + "\n```" }];
  return [{ value: contents.value }];
}

/** Open ``ws`` (a WebSocket URL) and wire ``model`` of ``monaco`` to the server there. */
export async function connect(monaco, model, url, { languageId, onStatus = () => {} } = {}) {
  const webSocket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    webSocket.onopen = resolve;
    webSocket.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  const socket = toSocket(webSocket);
  const connection = createProtocolConnection(
    new WebSocketMessageReader(socket),
    new WebSocketMessageWriter(socket),
  );
  const uri = model.uri.toString();
  const diagnostics = new Map(); // uri -> LSP diagnostics (for code action contexts)
  connection.onNotification("textDocument/publishDiagnostics", ({ uri: u, diagnostics: ds }) => {
    diagnostics.set(u, ds);
    const target = monaco.editor.getModel(monaco.Uri.parse(u));
    if (!target) return;
    monaco.editor.setModelMarkers(
      target,
      "rholang",
      ds.map((d) => ({
        ...toRange(monaco, d.range),
        severity: MARKER_SEVERITY[d.severity ?? 1],
        message: d.message,
        source: d.source,
        code: d.code == null ? undefined : String(d.code),
        tags: d.tags,
      })),
    );
  });
  connection.onNotification("window/logMessage", ({ message }) => console.debug("[server]", message));
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("workspace/configuration", ({ items }) => items.map(() => null));
  connection.onRequest("workspace/applyEdit", ({ edit }) => {
    applyWorkspaceEdit(monaco, edit);
    return { applied: true };
  });
  connection.onClose(() => onStatus("disconnected"));
  connection.listen();

  const init = await connection.sendRequest("initialize", {
    processId: null,
    clientInfo: { name: "rholang-web-editor" },
    rootUri: null,
    workspaceFolders: null,
    capabilities: {
      general: { positionEncodings: ["utf-16"] },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: false },
        hover: { contentFormat: ["markdown", "plaintext"] },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
        signatureHelp: { signatureInformation: { documentationFormat: ["markdown", "plaintext"] } },
        definition: { linkSupport: true },
        references: {},
        documentHighlight: {},
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "refactor", "source"] } },
        },
        formatting: {},
        semanticTokens: {
          requests: { full: true },
          tokenTypes: [],
          tokenModifiers: [],
          formats: ["relative"],
        },
      },
      workspace: { applyEdit: true, workspaceEdit: { documentChanges: true } },
    },
  });
  await connection.sendNotification("initialized", {});
  const caps = init.capabilities;

  let version = 1;
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId, version, text: model.getValue() },
  });
  model.onDidChangeContent((e) => {
    version += 1;
    // Monaco orders the changes from the end of the document: safe to apply in sequence.
    connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: e.changes.map((c) => ({ range: fromRange(c.range), text: c.text })),
    });
  });

  const params = (m, position) => ({
    textDocument: { uri: m.uri.toString() },
    position: fromPosition(position),
  });
  const location = (loc) => ({
    uri: monaco.Uri.parse(loc.targetUri ?? loc.uri),
    range: toRange(monaco, loc.targetSelectionRange ?? loc.range),
  });
  const locations = (res) => (res == null ? [] : (Array.isArray(res) ? res : [res]).map(location));
  const disposables = [];
  const lang = languageId;

  disposables.push(
    monaco.languages.registerHoverProvider(lang, {
      async provideHover(m, position) {
        const res = await connection.sendRequest("textDocument/hover", params(m, position));
        if (!res) return null;
        return { contents: markdown(res.contents), range: res.range && toRange(monaco, res.range) };
      },
    }),
    monaco.languages.registerCompletionItemProvider(lang, {
      triggerCharacters: caps.completionProvider?.triggerCharacters ?? [],
      async provideCompletionItems(m, position) {
        const res = await connection.sendRequest("textDocument/completion", params(m, position));
        const items = Array.isArray(res) ? res : (res?.items ?? []);
        const word = m.getWordUntilPosition(position);
        const fallback = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
        return {
          incomplete: !Array.isArray(res) && !!res?.isIncomplete,
          suggestions: items.map((it) => {
            const edit = it.textEdit;
            const range = edit
              ? "range" in edit
                ? toRange(monaco, edit.range)
                : { insert: toRange(monaco, edit.insert), replace: toRange(monaco, edit.replace) }
              : fallback;
            return {
              label: it.label,
              kind: COMPLETION_KIND[it.kind] ?? 18,
              detail: it.detail,
              documentation: it.documentation && markdown(it.documentation)[0],
              sortText: it.sortText,
              filterText: it.filterText,
              insertText: edit?.newText ?? it.insertText ?? it.label,
              insertTextRules: it.insertTextFormat === 2 ? 4 : 0, // InsertAsSnippet
              range,
            };
          }),
        };
      },
    }),
    monaco.languages.registerSignatureHelpProvider(lang, {
      signatureHelpTriggerCharacters: caps.signatureHelpProvider?.triggerCharacters ?? ["(", ","],
      signatureHelpRetriggerCharacters: caps.signatureHelpProvider?.retriggerCharacters ?? [],
      async provideSignatureHelp(m, position) {
        const res = await connection.sendRequest("textDocument/signatureHelp", params(m, position));
        if (!res) return null;
        const signatures = res.signatures.map((s) => ({
          label: s.label,
          documentation: s.documentation && markdown(s.documentation)[0],
          parameters: (s.parameters ?? []).map((p) => ({ label: p.label })),
        }));
        return {
          value: { signatures, activeSignature: res.activeSignature ?? 0, activeParameter: res.activeParameter ?? 0 },
          dispose() {},
        };
      },
    }),
    monaco.languages.registerDefinitionProvider(lang, {
      async provideDefinition(m, position) {
        return locations(await connection.sendRequest("textDocument/definition", params(m, position)));
      },
    }),
    monaco.languages.registerReferenceProvider(lang, {
      async provideReferences(m, position, context) {
        const res = await connection.sendRequest("textDocument/references", {
          ...params(m, position),
          context: { includeDeclaration: context.includeDeclaration },
        });
        return locations(res);
      },
    }),
    monaco.languages.registerDocumentHighlightProvider(lang, {
      async provideDocumentHighlights(m, position) {
        const res = await connection.sendRequest("textDocument/documentHighlight", params(m, position));
        return (res ?? []).map((h) => ({ range: toRange(monaco, h.range), kind: (h.kind ?? 1) - 1 }));
      },
    }),
    monaco.languages.registerCodeActionProvider(lang, {
      async provideCodeActions(m, range, context) {
        const u = m.uri.toString();
        const want = fromRange(range);
        const overlaps = (d) =>
          !(d.range.end.line < want.start.line || d.range.start.line > want.end.line);
        const res = await connection.sendRequest("textDocument/codeAction", {
          textDocument: { uri: u },
          range: want,
          context: { diagnostics: (diagnostics.get(u) ?? []).filter(overlaps), only: context.only ? [context.only] : undefined },
        });
        const actions = (res ?? [])
          .filter((a) => a.edit) // commands would need the server's executeCommand
          .map((a) => ({
            title: a.title,
            kind: a.kind,
            isPreferred: a.isPreferred,
            edit: toMonacoEdit(monaco, a.edit),
          }));
        return { actions, dispose() {} };
      },
    }),
    monaco.languages.registerDocumentFormattingEditProvider(lang, {
      async provideDocumentFormattingEdits(m, options) {
        const res = await connection.sendRequest("textDocument/formatting", {
          textDocument: { uri: m.uri.toString() },
          options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
        });
        return (res ?? []).map((e) => ({ range: toRange(monaco, e.range), text: e.newText }));
      },
    }),
  );
  const legend = caps.semanticTokensProvider?.legend;
  if (legend) {
    disposables.push(
      monaco.languages.registerDocumentSemanticTokensProvider(lang, {
        getLegend: () => legend,
        async provideDocumentSemanticTokens(m) {
          const res = await connection.sendRequest("textDocument/semanticTokens/full", {
            textDocument: { uri: m.uri.toString() },
          });
          return res && { resultId: res.resultId, data: new Uint32Array(res.data) };
        },
        releaseDocumentSemanticTokens() {},
      }),
    );
  }
  onStatus(`connected to ${init.serverInfo?.name ?? "server"} ${init.serverInfo?.version ?? ""}`.trim());
  return { connection, capabilities: caps, diagnostics, dispose: () => disposables.forEach((d) => d.dispose()) };
}

function toMonacoEdit(monaco, edit) {
  const edits = [];
  for (const [u, changes] of Object.entries(edit.changes ?? {})) {
    for (const c of changes) {
      edits.push({ resource: monaco.Uri.parse(u), textEdit: { range: toRange(monaco, c.range), text: c.newText }, versionId: undefined });
    }
  }
  for (const dc of edit.documentChanges ?? []) {
    if (!dc.textDocument) continue; // file create/rename/delete: not in a single-file editor
    for (const c of dc.edits) {
      edits.push({ resource: monaco.Uri.parse(dc.textDocument.uri), textEdit: { range: toRange(monaco, c.range), text: c.newText }, versionId: undefined });
    }
  }
  return { edits };
}

function applyWorkspaceEdit(monaco, edit) {
  for (const e of toMonacoEdit(monaco, edit).edits) {
    const m = monaco.editor.getModel(e.resource);
    m?.pushEditOperations([], [{ range: e.textEdit.range, text: e.textEdit.text }], () => null);
  }
}
