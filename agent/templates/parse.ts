/**
 * Parses Go text/template source into a tree (nodes.ts), following Go's
 * text/template/parse rules and error messages: functions must be known at
 * parse time, variables must be declared, {{else if}} chains, {{define}}
 * and {{template}}, {{break}}/{{continue}} inside {{range}}.
 */
import { itemString, lex, type Item, type ItemType } from './lexer';
import type {
  CommandNode, IfNode, ListNode, Node, NumberNode, PipeNode, RangeNode, TemplateNode, VariableNode, WithNode,
} from './nodes';
import { nodeString } from './nodes';

export class TemplateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

export interface ParsedTemplate {
  name: string;
  text: string;
  root: ListNode;
  /** {{define "x"}} bodies, by name. */
  defines: Map<string, ListNode>;
}

/** Go's strconv.Unquote for "...", `...` and '...' literals. Throws on malformed escapes. */
export function goUnquote(lit: string): string {
  const q = lit[0];
  if (q === '`') return lit.slice(1, -1).replace(/\r/g, '');
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') { out += c; continue; }
    const e = body[++i];
    switch (e) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': if (q !== '"') throw new Error('invalid syntax'); out += '"'; break;
      case "'": if (q !== "'") throw new Error('invalid syntax'); out += "'"; break;
      case 'x': case 'u': case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('invalid syntax');
        const code = parseInt(hex, 16);
        if (e === 'x') out += Buffer.from([code]).toString('latin1');
        else out += String.fromCodePoint(code);
        i += len;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          const oct = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
          out += String.fromCharCode(parseInt(oct, 8));
          i += 2;
          break;
        }
        throw new Error('invalid syntax');
    }
  }
  return out;
}

function parseGoInt(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m) return undefined;
  let body = m[2].replace(/_/g, '');
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
  const v = BigInt(body);
  const signed = m[1] === '-' ? -v : v;
  if (signed > 9223372036854775807n || signed < -9223372036854775808n) return undefined;
  return signed;
}

export function makeNumber(pos: number, text: string, type: ItemType): NumberNode {
  const n: NumberNode = { kind: 'number', pos, text, isInt: false, isFloat: false, int: 0n, float: 0 };
  if (type === 'charConstant') {
    let s: string;
    try { s = goUnquote(text); } catch { s = ''; }
    if ([...s].length !== 1) throw new Error(`malformed character constant: ${text}`);
    const code = s.codePointAt(0)!;
    return { ...n, isInt: true, isFloat: true, int: BigInt(code), float: code };
  }
  if (text.endsWith('i')) throw new Error(`complex numbers are not supported: ${JSON.stringify(text)}`);
  const i = parseGoInt(text);
  if (i !== undefined) return { ...n, isInt: true, isFloat: true, int: i, float: Number(i) };
  const f = Number(text.replace(/_/g, ''));
  if (Number.isFinite(f) && text.trim() !== '') {
    if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
    n.isFloat = true;
    n.float = f;
    if (Number.isInteger(f) && Math.abs(f) <= 9.223372036854776e18) { n.isInt = true; n.int = BigInt(f); }
    return n;
  }
  throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
}

/**
 * Parses a template. `hasFunction` says whether a name is a defined function
 * (Go checks this at parse time: 'function "x" not defined').
 */
export function parseTemplate(name: string, text: string, hasFunction: (name: string) => boolean): ParsedTemplate {
  const items = lex(text);
  let idx = 0;
  // Go reports the line of the most recently lexed token.
  let furthest = 0;
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  const defines = new Map<string, ListNode>();

  const fail = (msg: string): never => {
    throw new TemplateParseError(`template: ${name}:${items[furthest].line}: ${msg}`);
  };
  const at = (i: number): Item => {
    const j = Math.min(i, items.length - 1);
    if (j > furthest) furthest = j;
    return items[j];
  };
  const next = (): Item => {
    const t = at(idx);
    idx = Math.min(idx + 1, items.length);
    return t;
  };
  const backup = (n = 1) => { idx -= n; };
  const peek = (): Item => at(idx);
  const nextNonSpace = (): Item => {
    let t = next();
    while (t.type === 'space') t = next();
    return t;
  };
  const peekNonSpace = (): Item => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const unexpected = (t: Item, context: string): never => {
    if (t.type === 'error') return fail(t.val);
    return fail(`unexpected ${itemString(t)} in ${context}`);
  };
  const expect = (type: ItemType, context: string): Item => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };

  const newList = (pos: number): ListNode => ({ kind: 'list', pos, nodes: [] });

  const itemList = (): { list: ListNode; next: Node } => {
    const list = newList(peekNonSpace().pos);
    while (peekNonSpace().type !== 'eof') {
      const n = textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return { list, next: n };
      list.nodes.push(n);
    }
    return fail('unexpected EOF');
  };

  const textOrAction = (): Node => {
    const t = nextNonSpace();
    switch (t.type) {
      case 'text': return { kind: 'text', pos: t.pos, text: t.val };
      case 'leftDelim': return action();
      default: return unexpected(t, 'input');
    }
  };

  const action = (): Node => {
    const t = nextNonSpace();
    switch (t.type) {
      case 'block': return blockControl();
      case 'break': return loopControl('break', t);
      case 'continue': return loopControl('continue', t);
      case 'else': return elseControl();
      case 'end': return { kind: 'end', pos: expect('rightDelim', 'end').pos };
      case 'if': return control('if') as IfNode;
      case 'range': return control('range') as RangeNode;
      case 'template': return templateControl();
      case 'with': return control('with') as WithNode;
    }
    backup();
    const pos = peek().pos;
    return { kind: 'action', pos, pipe: pipeline('command', 'rightDelim') };
  };

  const loopControl = (kind: 'break' | 'continue', t: Item): Node => {
    const tok = nextNonSpace();
    if (tok.type !== 'rightDelim') unexpected(tok, `{{${kind}}}`);
    if (rangeDepth === 0) fail(`{{${kind}}} outside {{range}}`);
    return { kind, pos: t.pos };
  };

  const elseControl = (): Node => {
    const p = peekNonSpace();
    if (p.type === 'if' || p.type === 'with') return { kind: 'else', pos: p.pos };
    const t = expect('rightDelim', 'else');
    return { kind: 'else', pos: t.pos };
  };

  const control = (context: 'if' | 'range' | 'with'): IfNode | RangeNode | WithNode => {
    const mark = vars.length;
    try {
      const pipe = pipeline(context, 'rightDelim');
      if (context === 'range') rangeDepth++;
      const body = itemList();
      if (context === 'range') rangeDepth--;
      const list = body.list;
      let nextNode = body.next;
      let elseList: ListNode | undefined;
      if (nextNode.kind === 'else') {
        if ((context === 'if' && peek().type === 'if') || (context === 'with' && peek().type === 'with')) {
          next();
          elseList = newList(nextNode.pos);
          elseList.nodes.push(control(context));
        } else {
          ({ list: elseList, next: nextNode } = itemList());
          if (nextNode.kind !== 'end') fail(`expected end; found ${nodeString(nextNode)}`);
        }
      }
      return { kind: context, pos: pipe.pos, pipe, list, elseList } as IfNode | RangeNode | WithNode;
    } finally {
      vars = vars.slice(0, mark);
    }
  };

  const parseTemplateName = (t: Item, context: string): string => {
    if (t.type === 'string' || t.type === 'rawString') {
      try { return goUnquote(t.val); } catch (err) { return fail((err as Error).message); }
    }
    return unexpected(t, context);
  };

  const templateControl = (): TemplateNode => {
    const context = 'template clause';
    const t = nextNonSpace();
    const tname = parseTemplateName(t, context);
    let pipe: PipeNode | undefined;
    if (nextNonSpace().type !== 'rightDelim') {
      backup();
      pipe = pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: t.pos, name: tname, pipe };
  };

  const blockControl = (): TemplateNode => {
    const context = 'block clause';
    const t = nextNonSpace();
    const bname = parseTemplateName(t, context);
    const pipe = pipeline(context, 'rightDelim');
    const saved = vars;
    vars = ['$'];
    const { list, next: end } = itemList();
    vars = saved;
    if (end.kind !== 'end') fail(`unexpected ${nodeString(end)} in ${context}`);
    defines.set(bname, list);
    return { kind: 'template', pos: t.pos, name: bname, pipe };
  };

  const pipeline = (context: string, end: ItemType): PipeNode => {
    const tok = peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: tok.pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = peekNonSpace();
      if (v.type !== 'variable') break;
      nextNonSpace();
      const afterVar = peek();
      const nx = peekNonSpace();
      if (nx.type === 'assign' || nx.type === 'declare') {
        pipe.isAssign = nx.type === 'assign';
        nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        vars.push(v.val);
      } else if (nx.type === 'char' && nx.val === ',') {
        nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          fail('range can only initialize variables');
        }
        fail(`too many declarations in ${context}`);
      } else if (afterVar.type === 'space') {
        // "$x foo": $x is an operand; un-read it and the space.
        backup(2);
      } else {
        backup();
      }
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) fail(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].kind)) {
            fail(`non executable command in pipeline stage ${i + 2}`);
          }
        });
        return pipe;
      }
      switch (t.type) {
        case 'bool': case 'charConstant': case 'dot': case 'field': case 'identifier': case 'number':
        case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { kind: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') backup();
      else if (t.type !== 'pipe') unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) fail('empty command');
    return cmd;
  };

  const operand = (): Node | undefined => {
    const node = term();
    if (!node) return undefined;
    if (peek().type !== 'field') return node;
    const fields: string[] = [];
    const chainPos = peek().pos;
    while (peek().type === 'field') fields.push(next().val.slice(1));
    switch (node.kind) {
      case 'field': return { kind: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable': return { kind: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default: return { kind: 'chain', pos: chainPos, node, fields };
    }
  };

  const term = (): Node | undefined => {
    const t = nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!hasFunction(t.val)) fail(`function ${JSON.stringify(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, ident: t.val };
      case 'dot': return { kind: 'dot', pos: t.pos };
      case 'nil': return { kind: 'nil', pos: t.pos };
      case 'variable': {
        const ident = t.val.split('.');
        if (!vars.includes(ident[0])) fail(`undefined variable ${JSON.stringify(ident[0])}`);
        return { kind: 'variable', pos: t.pos, ident } as VariableNode;
      }
      case 'field': return { kind: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool': return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant': case 'number':
        try { return makeNumber(t.pos, t.val, t.type); } catch (err) { return fail((err as Error).message); }
      case 'leftParen': return pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString':
        try {
          return { kind: 'string', pos: t.pos, quoted: t.val, text: goUnquote(t.val) };
        } catch (err) {
          return fail((err as Error).message);
        }
    }
    backup();
    return undefined;
  };

  // Top level: text and actions; {{define}} blocks at the top level only.
  const root = newList(peek().pos);
  while (peek().type !== 'eof') {
    if (peek().type === 'leftDelim') {
      next();
      const t = nextNonSpace();
      if (t.type === 'define') {
        const context = 'define clause';
        const nt = nextNonSpace();
        const dname = parseTemplateName(nt, context);
        expect('rightDelim', context);
        const saved = vars;
        vars = ['$'];
        const { list, next: end } = itemList();
        vars = saved;
        if (end.kind !== 'end') fail(`unexpected ${nodeString(end)} in ${context}`);
        defines.set(dname, list);
        continue;
      }
      // Un-read the keyword/operand and the delimiter (and any space between).
      while (items[idx - 1] !== undefined && items[idx - 1].type !== 'leftDelim') backup();
      backup();
    }
    if (peek().type === 'error') fail(peek().val);
    const n = textOrAction();
    if (n.kind === 'end' || n.kind === 'else') fail(`unexpected ${nodeString(n)}`);
    root.nodes.push(n);
  }
  return { name, text, root, defines };
}
