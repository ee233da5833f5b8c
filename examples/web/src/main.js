// A minimal web editor for Rholang: Monaco plus the language server over WebSocket.
//   rholang-language-server --websocket --port 7778
//   npm start            (then open http://127.0.0.1:5173/)
// ?server=ws://HOST:PORT picks another server (a non-local page needs --allow-origin).
import * as monaco from "monaco-editor/esm/vs/editor/edcore.main.js";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker.js?worker";
import { connect } from "./lsp.js";
import { configuration, languageId, monarch } from "./rholang.js";

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

const SAMPLE = `// A small Rholang program. Hover a name, Ctrl+Space for completion, F12 for its definition.
new stdout(\`rho:io:stdout\`), greeter in {
  contract greeter(@name, return) = {
    return!("Hello, " ++ name)
  } |
  new answer in {
    greeter!("Rholang", *answer) |
    for (@text <- answer) { stdout!(text) }
  }
}
`;

monaco.languages.register({ id: languageId, extensions: [".rho"] });
monaco.languages.setLanguageConfiguration(languageId, configuration);
monaco.languages.setMonarchTokensProvider(languageId, monarch);

const query = new URLSearchParams(location.search);
const server = query.get("server") ?? `ws://${location.hostname || "127.0.0.1"}:7778`;
const model = monaco.editor.createModel(
  query.get("text") ?? SAMPLE,
  languageId,
  monaco.Uri.parse(query.get("uri") ?? "file:///workspace/main.rho"),
);
// Two spaces per level, as the server formats by default.
model.updateOptions({ tabSize: 2, insertSpaces: true });
const editor = monaco.editor.create(document.getElementById("editor"), {
  model,
  automaticLayout: true,
  "semanticHighlighting.enabled": true,
  minimap: { enabled: false },
});

const status = document.getElementById("status");
const ready = connect(monaco, model, server, {
  languageId,
  onStatus: (text) => (status.textContent = text),
}).catch((error) => {
  status.textContent = error.message;
  throw error;
});

// For tests and for embedding pages.
window.rholang = { monaco, editor, model, ready };
