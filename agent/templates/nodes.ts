/**
 * The parse tree of a Go text/template, node for node as Go's
 * text/template/parse (positions are offsets into the template text, String()
 * renders a node the way Go does in "executing ... at <node>" errors).
 */

export type Node =
  | ListNode | TextNode | ActionNode | PipeNode | CommandNode | IdentifierNode | VariableNode
  | FieldNode | ChainNode | DotNode | NilNode | BoolNode | NumberNode | StringNode
  | IfNode | RangeNode | WithNode | TemplateNode | BreakNode | ContinueNode | ElseNode | EndNode;

export interface ListNode { kind: 'list'; pos: number; nodes: Node[] }
export interface TextNode { kind: 'text'; pos: number; text: string }
export interface ActionNode { kind: 'action'; pos: number; pipe: PipeNode }
export interface PipeNode { kind: 'pipe'; pos: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }
export interface CommandNode { kind: 'command'; pos: number; args: Node[] }
export interface IdentifierNode { kind: 'identifier'; pos: number; ident: string }
/** $x or $x.Field.Chain: ident[0] is the variable name including "$". */
export interface VariableNode { kind: 'variable'; pos: number; ident: string[] }
/** .Field.Chain */
export interface FieldNode { kind: 'field'; pos: number; ident: string[] }
/** (pipeline).Field or func.Field */
export interface ChainNode { kind: 'chain'; pos: number; node: Node; fields: string[] }
export interface DotNode { kind: 'dot'; pos: number }
export interface NilNode { kind: 'nil'; pos: number }
export interface BoolNode { kind: 'bool'; pos: number; value: boolean }
export interface NumberNode {
  kind: 'number'; pos: number; text: string;
  isInt: boolean; isFloat: boolean; int: bigint; float: number;
}
export interface StringNode { kind: 'string'; pos: number; quoted: string; text: string }
export interface IfNode { kind: 'if'; pos: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
export interface RangeNode { kind: 'range'; pos: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
export interface WithNode { kind: 'with'; pos: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
export interface TemplateNode { kind: 'template'; pos: number; name: string; pipe?: PipeNode }
export interface BreakNode { kind: 'break'; pos: number }
export interface ContinueNode { kind: 'continue'; pos: number }
export interface ElseNode { kind: 'else'; pos: number }
export interface EndNode { kind: 'end'; pos: number }

/** Go's Node.String(). */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list': return n.nodes.map(nodeString).join('');
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier': return n.ident;
    case 'variable': return n.ident.join('.');
    case 'field': return n.ident.map((f) => '.' + f).join('');
    case 'chain': {
      const base = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return base + n.fields.map((f) => '.' + f).join('');
    }
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return n.value ? 'true' : 'false';
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'if': case 'range': case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
    case 'else': return '{{else}}';
    case 'end': return '{{end}}';
  }
}
