/**
 * Reads TSDoc comments with the TypeScript compiler API (parsing only, no type checking) and
 * renders them as plain text for the package schema: `{@link X}` becomes `X` (or its link text),
 * `@see X` becomes a closing "See X." paragraph, lines of a paragraph are joined, blank lines and
 * list items (`- `) keep their breaks. Any other tag is refused so nothing is dropped silently.
 */
import ts from "typescript";

/** A declaration's comment and the comments of its members, by member name. */
export interface DeclarationDocs {
  doc: string;
  members: Record<string, string>;
}

/** The comment of declaration `name` (interface, class, type alias or const) in `text` and of its members. */
export function readDeclarationDocs(fileName: string, text: string, name: string): DeclarationDocs {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const decl = sf.statements.map(declared).find((d) => d?.name === name)?.node;
  if (decl === undefined) throw new Error(`${fileName}: no top-level declaration named ${name}`);
  const members: Record<string, string> = {};
  if (ts.isInterfaceDeclaration(decl) || ts.isClassDeclaration(decl)) {
    for (const m of decl.members) {
      if (!(ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) || !ts.isIdentifier(m.name)) continue;
      members[m.name.text] = render(m, sf, `${name}.${m.name.text}`);
    }
  }
  return { doc: render(decl, sf, name), members };
}

/** The name a top-level statement declares, with the node that carries its comment. */
function declared(s: ts.Statement): { name: string; node: ts.Node } | undefined {
  if (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) return { name: s.name.text, node: s };
  if (ts.isClassDeclaration(s) && s.name) return { name: s.name.text, node: s };
  if (ts.isVariableStatement(s)) {
    const d = s.declarationList.declarations[0];
    if (d && ts.isIdentifier(d.name)) return { name: d.name.text, node: s };
  }
  return undefined;
}

/** The node's closest TSDoc comment as plain text; "" when it has none. */
function render(node: ts.Node, sf: ts.SourceFile, where: string): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  if (doc === undefined) return "";
  const paragraphs = [joinLines(commentText(doc.comment))];
  for (const tag of doc.tags ?? []) {
    if (tag.tagName.text !== "see") throw new Error(`${where}: unsupported TSDoc tag @${tag.tagName.text}`);
    const see = joinLines(tagText(tag, sf));
    paragraphs.push(`See ${see}${see.endsWith(".") ? "" : "."}`);
  }
  return paragraphs.filter((p) => p !== "").join("\n\n");
}

/** A comment body with links reduced to their text. */
function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
  if (comment === undefined || typeof comment === "string") return comment ?? "";
  return comment.map((part) => (part.kind === ts.SyntaxKind.JSDocText ? part.text : linkText(part))).join("");
}

/** `{@link Name}` → `Name`; `{@link Name text}` → `text`. */
function linkText(link: ts.JSDocLink | ts.JSDocLinkCode | ts.JSDocLinkPlain): string {
  const text = link.text.trim();
  if (text !== "") return text;
  return link.name === undefined ? "" : link.name.getText();
}

/** A tag's text after its name, with the comment's leading `*` of each line removed. */
function tagText(tag: ts.JSDocTag, sf: ts.SourceFile): string {
  const raw = sf.text.slice(tag.tagName.end, tag.end);
  return raw
    .split("\n")
    .map((line) => line.replace(/^\s*\*(?!\/)\s?/, "").replace(/\*\/\s*$/, ""))
    .join("\n")
    .replace(/\{@link\s+([^}\s]+)(?:\s+([^}]*))?\}/g, (_m, target: string, text?: string) => text?.trim() || target);
}

/** Lines of a paragraph joined by spaces; blank lines and `- ` list items keep their line breaks. */
function joinLines(text: string): string {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const last = out.length - 1;
    if (line === "" || line.startsWith("- ") || last < 0 || out[last] === "") out.push(line);
    else out[last] = `${out[last]} ${line}`;
  }
  return out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
