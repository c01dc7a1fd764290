/**
 * Executes a parsed Go text/template over Go-typed data (values.ts). The
 * template is data, never code: this walks the tree, nothing is compiled or
 * eval'd. Semantics follow Go's text/template/exec.go: variable scoping,
 * pipelines (the previous value becomes the last argument), typed function
 * arguments, missingkey=zero map lookups (Prometheus' option), and Go's
 * error text "template: NAME:LINE:COL: executing "NAME" at <NODE>: ...".
 */
import { FuncError, type FuncDef, type FuncMap, type ParamType } from './funcs';
import { formatValue } from './gofmt';
import { formatGoLayout } from './gotime';
import type {
  ChainNode, CommandNode, FieldNode, IdentifierNode, ListNode, Node, NumberNode, PipeNode, RangeNode,
  TemplateNode, VariableNode,
} from './nodes';
import { nodeString } from './nodes';
import type { ParsedTemplate } from './parse';
import { GoMap, GoPointer, GoSlice, GoStruct, GoTime, goTypeName, isTrue, type GoValue } from './values';

export class TemplateExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateExecError';
  }
}

/** "No argument piped in" (Go's missingVal), distinct from a piped invalid value. */
const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const MAX_DEPTH = 1000;

interface Variable { name: string; value: GoValue }

/**
 * html/template's job at run time: static text passes through (it may
 * change the escaping context, and comments are dropped), printed values
 * are escaped for the context they land in. See html-escape.ts.
 */
export interface OutputEscaper {
  text(text: string): string;
  /** `applied`: the functions the action's pipeline calls (html/template skips escapers equivalent to them). */
  value(v: GoValue, applied: ReadonlySet<string>): string;
}

/** Types that a nil may be assigned to. */
function canBeNil(t: ParamType): boolean {
  return t === 'any' || t.startsWith('*') || t.startsWith('map[') || t.startsWith('[]') || t === 'template.queryResult';
}

function isNumberNode(n: Node): n is NumberNode {
  return n.kind === 'number';
}

export class Executor {
  private out = '';
  private vars: Variable[];
  private node: Node | undefined;
  private depth = 0;
  private tmplName: string;

  /**
   * `maxOutput`: characters the output may reach before execution stops
   * with an error (notification templates over huge groups); 0 = no limit.
   */
  constructor(private readonly tmpl: ParsedTemplate, private readonly funcs: FuncMap, private readonly escaper?: OutputEscaper,
    private readonly maxOutput = 0) {
    this.tmplName = tmpl.name;
    this.vars = [];
  }

  execute(data: GoValue): string {
    this.out = '';
    this.vars = [{ name: '$', value: data }];
    this.walk(data, this.tmpl.root);
    return this.out;
  }

  // ---- errors ----
  private errorf(msg: string): never {
    const name = this.tmplName;
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const { location, context } = this.errorContext(this.node);
    throw new TemplateExecError(`template: ${location}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`);
  }

  /** Go's Tree.ErrorContext: "name:line:byteColumn" and the node's text. */
  private errorContext(n: Node): { location: string; context: string } {
    const text = this.tmpl.text.slice(0, n.pos);
    const nl = text.lastIndexOf('\n');
    const lineStart = nl < 0 ? 0 : nl + 1;
    const col = Buffer.byteLength(text.slice(lineStart), 'utf8');
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    return { location: `${this.tmpl.name}:${line}:${col}`, context: nodeString(n) };
  }

  private at(n: Node) { this.node = n; }

  private checkOutput() {
    if (this.maxOutput > 0 && this.out.length > this.maxOutput) this.errorf(`output exceeds ${this.maxOutput} characters`);
  }

  // ---- variables ----
  private mark() { return this.vars.length; }
  private pop(mark: number) { this.vars.length = mark; }
  private push(name: string, value: GoValue) { this.vars.push({ name, value }); }
  private setVar(name: string, value: GoValue) {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) { this.vars[i].value = value; return; }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: GoValue) { this.vars[this.vars.length - n].value = value; }
  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    return this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----
  private walk(dot: GoValue, node: Node): void {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val, node.pipe);
        return;
      }
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
      case 'if': case 'with': {
        const mark = this.mark();
        try {
          const val = this.evalPipeline(dot, node.pipe);
          if (isTrue(val)) this.walk(node.kind === 'with' ? val : dot, node.list);
          else if (node.elseList) this.walk(dot, node.elseList);
        } finally {
          this.pop(mark);
        }
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range': this.walkRange(dot, node); return;
      case 'template': this.walkTemplate(dot, node); return;
      case 'text':
        this.out += this.escaper ? this.escaper.text(node.text) : node.text;
        this.checkOutput();
        return;
      default: this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkRange(dot: GoValue, r: RangeNode) {
    this.at(r);
    const outer = this.mark();
    try {
      let val = this.evalPipeline(dot, r.pipe);
      if (val instanceof GoPointer) val = val.target ?? undefined;
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (key: GoValue, elem: GoValue) => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? key : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.setTopVar(2, key);
        }
        try {
          this.walk(elem, r.list);
        } catch (err) {
          if (err !== CONTINUE) throw err;
        } finally {
          this.pop(mark);
        }
      };
      try {
        if (val instanceof GoSlice) {
          if (val.items.length > 0) {
            val.items.forEach((item, i) => oneIteration(BigInt(i), item));
            return;
          }
        } else if (val instanceof GoMap) {
          if (val.entries.size > 0) {
            for (const k of [...val.entries.keys()].sort()) oneIteration(k, val.entries.get(k));
            return;
          }
        } else if (typeof val === 'bigint') {
          if (val > 0n) {
            for (let i = 0n; i < val; i++) oneIteration(i, i);
            return;
          }
        } else if (val !== undefined && val !== null) {
          this.errorf(`range can't iterate over ${formatValue(val)}`);
        }
      } catch (err) {
        if (err === BREAK) return;
        throw err;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode) {
    this.at(t);
    const body = this.tmpl.defines.get(t.name);
    if (!body) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const savedVars = this.vars;
    const savedName = this.tmplName;
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = t.name;
    this.depth++;
    try {
      this.walk(newDot, body as ListNode);
    } finally {
      this.depth--;
      this.vars = savedVars;
      this.tmplName = savedName;
    }
  }

  private printValue(n: Node, v: GoValue, pipe: PipeNode) {
    this.at(n);
    if (this.escaper) {
      // html/template leaves out an escaper the pipeline already applies (Go's equivEscapers: html, urlquery).
      const applied = new Set(pipe.cmds.map((c) => (c.args[0]?.kind === 'identifier' ? c.args[0].ident : '')));
      this.out += this.escaper.value(v, applied);
      this.checkOutput();
      return;
    }
    if (v === undefined) { this.out += '<no value>'; return; }
    this.out += formatValue(v);
    this.checkOutput();
  }

  // ---- evaluation ----
  private evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const v = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0], v);
      else this.push(variable.ident[0], v);
    }
    return v;
  }

  private notAFunction(args: Node[], final: Final) {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
    return this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    if (n.isFloat && !/^[+-]?0[xX]/.test(n.text) && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return n.int;
    return this.errorf(`${n.text} overflows int`);
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: Node[], final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: Node[] | undefined, final: Final): GoValue {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.fields, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: Node[] | undefined, final: Final): GoValue {
    this.at(v);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: GoValue, receiver: GoValue, node: Node, ident: string[], args: Node[] | undefined, final: Final): GoValue {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i], node, undefined, MISSING, receiver);
    return this.evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  private evalField(dot: GoValue, fieldName: string, node: Node, args: Node[] | undefined, final: Final, receiver: GoValue): GoValue {
    if (receiver === undefined) return undefined;
    const typ = goTypeName(receiver);
    const hasArgs = (args?.length ?? 0) > 1 || final !== MISSING;
    let target: GoValue = receiver;
    if (receiver instanceof GoPointer) {
      if (receiver.target === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
      target = receiver.target as GoValue;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    if (target instanceof GoTime) {
      if (fieldName === 'Format') {
        const t = target;
        return this.evalCall(dot, { params: ['string'], call: ([layout]) => formatGoLayout(t.ms, layout as string) }, node, fieldName, args, final);
      }
      const method = Object.hasOwn(TIME_METHODS, fieldName) ? TIME_METHODS[fieldName] : undefined;
      if (method) {
        if (hasArgs) this.errorf(`wrong number of args for ${fieldName}: want 0 got ${(args?.length ?? 1) - 1 + (final !== MISSING ? 1 : 0)}`);
        return method(target);
      }
    }
    const method = (target instanceof GoStruct || target instanceof GoMap || target instanceof GoSlice)
      && target.methods && Object.hasOwn(target.methods, fieldName) ? target.methods[fieldName] : undefined;
    if (method) return this.evalCall(dot, method, node, fieldName, args, final);
    if (target instanceof GoStruct) {
      if (target.fields.has(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return target.fields.get(fieldName);
      }
    } else if (target instanceof GoMap) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      // Prometheus runs templates with missingkey=zero.
      return target.entries.has(fieldName) ? target.entries.get(fieldName) : target.zero;
    }
    return this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, args: Node[] | undefined, final: Final): GoValue {
    this.at(node);
    const name = node.ident;
    const def = this.funcs[name];
    if (!def) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, def, cmd, name, args, final);
  }

  private evalCall(dot: GoValue, def: FuncDef, node: Node, name: string, argNodes: Node[] | undefined, final: Final): GoValue {
    const args = argNodes ? argNodes.slice(1) : [];
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    const numParams = def.params.length + (def.variadic ? 1 : 0);
    let numFixed = args.length;
    if (def.variadic) {
      numFixed = def.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== numParams) {
      this.errorf(`wrong number of args for ${name}: want ${numParams} got ${numIn}`);
    }

    // and/or short-circuit: evaluate left to right, stop at the deciding value.
    if (name === 'and' || name === 'or') {
      let v: GoValue;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, def.params[i], args[i]));
    if (def.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, def.variadic, args[i]));
    if (final !== MISSING) {
      let t: ParamType;
      if (def.variadic) t = numIn - 1 < numFixed ? def.params[numIn - 1] : def.variadic;
      else t = def.params[def.params.length - 1];
      argv.push(this.validateType(final, t));
    }
    try {
      return def.call(argv);
    } catch (err) {
      if (err instanceof TemplateExecError) throw err;
      this.at(node);
      return this.errorf(`error calling ${name}: ${(err as Error).message}`);
    }
  }

  private validateType(value: GoValue, typ: ParamType): GoValue {
    if (value === undefined || value === null) {
      if (typ === 'value') return value;
      if (canBeNil(typ)) return null;
      return this.errorf(`invalid value; expected ${typ === 'value' ? 'reflect.Value' : typ}`);
    }
    if (typ === 'any' || typ === 'value') return value;
    const vt = goTypeName(value);
    if (vt === typ) return value;
    if (value instanceof GoPointer && value.target && goTypeName(value.target as GoValue) === typ) return value.target as GoValue;
    return this.errorf(`wrong type for value; expected ${typ}; got ${vt}`);
  }

  private evalArg(dot: GoValue, typ: ParamType, n: Node): GoValue {
    this.at(n);
    switch (n.kind) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (canBeNil(typ)) return null;
        return this.errorf(`cannot assign nil to ${typ === 'value' ? 'reflect.Value' : typ}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, undefined, MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (isNumberNode(n) && n.isFloat) return n.float;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (isNumberNode(n) && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case 'any': case 'value':
        return this.evalEmptyInterface(dot, n);
    }
    return this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }

  private evalEmptyInterface(dot: GoValue, n: Node): GoValue {
    this.at(n);
    switch (n.kind) {
      case 'bool': return n.value;
      case 'dot': return dot;
      case 'field': return this.evalFieldNode(dot, n, [n], MISSING);
      case 'identifier': return this.evalFunction(dot, n, n, undefined, MISSING);
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
      case 'variable': return this.evalVariableNode(dot, n, undefined, MISSING);
      case 'pipe': return this.evalPipeline(dot, n);
    }
    return this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}

/** The time.Time methods a template may call (Prometheus' toTime returns *time.Time). */
const TIME_METHODS: Record<string, (t: GoTime) => GoValue> = {
  Unix: (t) => BigInt(Math.floor(t.ms / 1000)),
  UnixMilli: (t) => BigInt(Math.floor(t.ms)),
  UTC: (t) => t,
  // Times are UTC here (Alertmanager's come from UTC timestamps), so Local is UTC.
  Local: (t) => t,
  String: (t) => formatValue(t),
  IsZero: (t) => t.ms === Date.parse('0001-01-01T00:00:00Z'),
};

export { FuncError };
