/**
 * Every function-like node of a TypeScript file with the lines it spans, for the function-length
 * check. Names are stable across edits elsewhere in the file (no line numbers in them): a function
 * is named by its own name, else by what it is assigned to, passed to or returned as, prefixed by
 * the functions and classes that enclose it.
 */
import ts from 'typescript';

export interface FunctionSpan {
  /** e.g. `createHandlers`, `App > save`, `TrustTab > <onClick>`. */
  readonly name: string;
  readonly lines: number;
}

function propertyName(name: ts.PropertyName | ts.BindingName | undefined, source: ts.SourceFile): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
    return name.text;
  return name.getText(source);
}

/** What an anonymous function is called by where it stands: the variable, property, JSX attribute or callee. */
function contextName(node: ts.Node, source: ts.SourceFile): string {
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return propertyName(parent.name, source) ?? '<anonymous>';
  if (ts.isJsxExpression(parent) && ts.isJsxAttribute(parent.parent)) return `<${parent.parent.name.getText(source)}>`;
  if (ts.isCallExpression(parent)) return `<${parent.expression.getText(source).slice(0, 40)} callback>`;
  if (ts.isExportAssignment(parent)) return 'default';
  return '<anonymous>';
}

function ownName(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const named = propertyName(node.name as ts.PropertyName | undefined, source);
  return named ?? contextName(node, source);
}

const isFunctionLike = (node: ts.Node): node is ts.SignatureDeclaration =>
  ts.isFunctionDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

/** Spans of every function in `text`; a name used twice in one file gets `#2`, `#3`, ... in source order. */
export function functionSpans(fileName: string, text: string): FunctionSpan[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const spans: FunctionSpan[] = [];
  const seen = new Map<string, number>();
  const visit = (node: ts.Node, enclosing: string[]) => {
    let inner = enclosing;
    if (isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const path = [...enclosing, ownName(node, source)];
      const base = path.join(' > ');
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ name: count === 1 ? base : `${base}#${count}`, lines: end - start + 1 });
      inner = path;
    } else if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name)
      inner = [...enclosing, node.name.text];
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(source, []);
  return spans;
}
