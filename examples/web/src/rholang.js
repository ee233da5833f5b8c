// Rholang syntax colouring for Monaco (Monarch). The server's semantic tokens refine it.
export const languageId = "rholang";

export const configuration = {
  comments: { lineComment: "//", blockComment: ["/*", "*/"] },
  brackets: [["{", "}"], ["[", "]"], ["(", ")"]],
  autoClosingPairs: [
    { open: "{", close: "}" },
    { open: "[", close: "]" },
    { open: "(", close: ")" },
    { open: '"', close: '"', notIn: ["string"] },
    { open: "`", close: "`", notIn: ["string"] },
  ],
  // The server formats with two spaces per level by default (the editor's tabSize is sent).
  indentationRules: { increaseIndentPattern: /[{([]\s*$/, decreaseIndentPattern: /^\s*[})\]]/ },
};

export const monarch = {
  keywords: [
    "new", "in", "contract", "for", "match", "select", "case", "if", "else", "bundle", "bundle+",
    "bundle-", "bundle0", "let", "not", "and", "or", "matches", "Nil", "true", "false",
  ],
  typeKeywords: ["Bool", "Int", "String", "Uri", "ByteArray", "Set", "Tuple", "List", "Map"],
  tokenizer: {
    root: [
      [/\/\/.*$/, "comment"],
      [/\/\*/, "comment", "@comment"],
      [/"([^"\\]|\\.)*"/, "string"],
      [/`[^`]*`/, "string.uri"],
      [/\b\d+\b/, "number"],
      [/[a-zA-Z_][\w']*/, { cases: { "@keywords": "keyword", "@typeKeywords": "type", "@default": "identifier" } }],
      [/<-|<=|=>|!!|!\?|[!|@*=]/, "operator"],
    ],
    comment: [
      [/\*\//, "comment", "@pop"],
      [/./, "comment"],
    ],
  },
};
