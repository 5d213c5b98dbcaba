/** The syntax tree of the PowerShell subset the simulated front end reads (see parser.ts). */

export interface Pos {
  /** Offset in the script. */
  at: number;
}

export type Stmt =
  | ({ k: "function"; name: string; params: Param[]; body: Stmt[] } & Pos)
  | ({ k: "trap"; body: Stmt[] } & Pos)
  | ({ k: "if"; clauses: { cond: Pipeline; body: Stmt[] }[]; otherwise?: Stmt[] } & Pos)
  | ({ k: "foreach"; variable: string; iter: Pipeline; body: Stmt[] } & Pos)
  | ({ k: "for"; init?: Pipeline; cond?: Pipeline; step?: Pipeline; body: Stmt[] } & Pos)
  | ({ k: "exit"; value?: Pipeline } & Pos)
  | ({ k: "return"; value?: Pipeline } & Pos)
  | ({ k: "break" } & Pos)
  | ({ k: "continue" } & Pos)
  | ({ k: "pipeline"; p: Pipeline } & Pos);

export interface Param {
  name: string;
  type?: string;
  dflt?: Expr;
}

export type Pipeline =
  | ({ k: "assign"; target: Expr; op: "=" | "+=" | "-="; value: Pipeline } & Pos)
  | ({ k: "pipe"; elements: Element[] } & Pos);

export type Element = ({ k: "cmd"; name: string; args: Arg[] } & Pos) | ({ k: "expr"; e: Expr } & Pos);

export type Arg = ({ k: "param"; name: string } & Pos) | ({ k: "value"; e: Expr } & Pos);

export type Expr =
  | ({ k: "str"; v: string } & Pos)
  | ({ k: "xstr"; parts: (string | Expr)[] } & Pos)
  | ({ k: "num"; v: number; t: "Int32" | "Int64" | "Double" } & Pos)
  | ({ k: "var"; name: string } & Pos)
  | ({ k: "array"; items: Expr[] } & Pos)
  | ({ k: "sub"; stmts: Stmt[]; array: boolean } & Pos)
  | ({ k: "paren"; p: Pipeline } & Pos)
  | ({ k: "sb"; body: Stmt[] } & Pos)
  | ({ k: "type"; name: string } & Pos)
  | ({ k: "cast"; type: string; e: Expr } & Pos)
  | ({ k: "unary"; op: "!" | "-not" | "-" | "+"; e: Expr } & Pos)
  | ({ k: "bin"; op: string; l: Expr; r: Expr } & Pos)
  | ({ k: "member"; obj: Expr; name: string | Expr; isStatic: boolean } & Pos)
  | ({ k: "invoke"; obj: Expr; name: string | Expr; args: Expr[]; isStatic: boolean } & Pos)
  | ({ k: "index"; obj: Expr; idx: Expr } & Pos)
  | ({ k: "incr"; target: Expr; op: "++" | "--" } & Pos);
