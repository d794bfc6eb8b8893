//! The expression language of computed columns: text -> a checked expression -> a number per
//! row.
//!
//! Part of the `query` stage; pure. Grammar: numbers (`2`, `1.5`), column names (letters, digits
//! and `_`, starting with a letter; any other name in backticks: `` `2019-2020` ``), `+ - * /`
//! with the usual precedence, unary minus, parentheses, and the functions `share(a, b)` (a / b
//! × 100), `change(new, old)` (percent change), `pp(a, b)` (percentage-point difference),
//! `per_thousand(a, b)` (a / b × 1000). Division by zero gives no number (`None`); the caller
//! shows it as not computable. Hidden and missing inputs never get here: `Published::derive`
//! decides those before evaluating.

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    /// A column reference and its character offset in the text.
    Column(String, usize),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Share,
    Change,
    Pp,
    PerThousand,
}

const FUNCS: [(&str, Func); 4] = [
    ("share", Func::Share),
    ("change", Func::Change),
    ("pp", Func::Pp),
    ("per_thousand", Func::PerThousand),
];

/// Why an expression does not parse, at a character offset in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

fn error(offset: usize, message: impl Into<String>, help: impl Into<String>) -> ExprError {
    ExprError {
        offset,
        message: message.into(),
        help: help.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Sym(char),
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            let x = s.parse().map_err(|_| {
                error(
                    start,
                    format!("`{s}` is not a number"),
                    "write numbers as `2` or `1.5`",
                )
            })?;
            toks.push((Tok::Num(x), start));
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push((Tok::Name(chars[start..i].iter().collect()), start));
        } else if c == '`' {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == '`')
                .ok_or_else(|| {
                    error(
                        start,
                        "a column name in backticks is not closed",
                        "add the closing `` ` ``",
                    )
                })?;
            toks.push((Tok::Name(chars[i + 1..i + 1 + end].iter().collect()), start));
            i += end + 2;
        } else if "+-*/(),".contains(c) {
            toks.push((Tok::Sym(c), start));
            i += 1;
        } else {
            return Err(error(
                start,
                format!("`{c}` cannot appear in an expression"),
                "use + - * / and parentheses; write a column name with other characters in backticks, e.g. `2019-2020`",
            ));
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end: usize,
}

/// Parses `text` into an expression.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let mut p = Parser {
        toks: lex(text)?,
        at: 0,
        end: text.chars().count(),
    };
    if p.toks.is_empty() {
        return Err(error(
            0,
            "the expression is empty",
            "write e.g. `share(started, target)`",
        ));
    }
    let e = p.sum()?;
    match p.toks.get(p.at) {
        None => Ok(e),
        Some((_, off)) => Err(error(
            *off,
            "unexpected text after the expression",
            "check for a missing operator or parenthesis",
        )),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.at).map_or(self.end, |(_, o)| *o)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Sym(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.product()?;
        loop {
            let op = if self.eat('+') {
                Op::Add
            } else if self.eat('-') {
                Op::Sub
            } else {
                return Ok(e);
            };
            e = Expr::Binary(op, Box::new(e), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.unary()?;
        loop {
            let op = if self.eat('*') {
                Op::Mul
            } else if self.eat('/') {
                Op::Div
            } else {
                return Ok(e);
            };
            e = Expr::Binary(op, Box::new(e), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.eat('-') {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let offset = self.offset();
        let tok = self.toks.get(self.at).map(|(t, _)| t.clone());
        self.at += 1;
        match tok {
            Some(Tok::Num(x)) => Ok(Expr::Number(x)),
            Some(Tok::Sym('(')) => {
                let e = self.sum()?;
                if self.eat(')') {
                    Ok(e)
                } else {
                    Err(error(self.offset(), "a `(` is not closed", "add the `)`"))
                }
            }
            Some(Tok::Name(name)) if self.peek() == Some(&Tok::Sym('(')) => {
                self.at += 1;
                self.call(&name, offset)
            }
            Some(Tok::Name(name)) => Ok(Expr::Column(name, offset)),
            _ => Err(error(
                offset,
                "expected a number, a column or a function here",
                "check the expression around this place",
            )),
        }
    }

    fn call(&mut self, name: &str, offset: usize) -> Result<Expr, ExprError> {
        let Some(&(_, func)) = FUNCS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = FUNCS.iter().map(|(n, _)| *n).collect();
            let help = match crate::markdown::directives::closest(name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? The functions are {}", names.join(", ")),
                None => format!("the functions are {}", names.join(", ")),
            };
            return Err(error(
                offset,
                format!("there is no function `{name}`"),
                help,
            ));
        };
        let mut args = vec![self.sum()?];
        while self.eat(',') {
            args.push(self.sum()?);
        }
        if !self.eat(')') {
            return Err(error(
                self.offset(),
                "the function's `(` is not closed",
                "add the `)`",
            ));
        }
        if args.len() != 2 {
            return Err(error(
                offset,
                format!("`{name}` takes two values, not {}", args.len()),
                format!("write `{name}(a, b)`"),
            ));
        }
        Ok(Expr::Call(func, args))
    }
}

impl Expr {
    /// The column references, in order of appearance, with their offsets.
    pub fn columns(&self) -> Vec<(&str, usize)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Column(n, o) = e {
                out.push((n.as_str(), *o));
            }
        });
        out
    }

    fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Neg(e) => e.walk(f),
            Expr::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            Expr::Number(_) | Expr::Column(..) => {}
        }
    }

    /// Whether the result is a whole number whenever the columns for which `whole` holds are.
    pub fn is_whole(&self, whole: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Number(x) => x.fract() == 0.0,
            Expr::Column(n, _) => whole(n),
            Expr::Neg(e) => e.is_whole(whole),
            Expr::Binary(Op::Div, ..) => false,
            Expr::Binary(_, a, b) => a.is_whole(whole) && b.is_whole(whole),
            Expr::Call(Func::Pp, args) => args.iter().all(|a| a.is_whole(whole)),
            Expr::Call(..) => false,
        }
    }

    /// The value, with `value(name)` the number in column `name`; `None` when not computable.
    pub fn eval(&self, value: &dyn Fn(&str) -> f64) -> Option<f64> {
        let div = |a: f64, b: f64| if b == 0.0 { None } else { Some(a / b) };
        let x = match self {
            Expr::Number(x) => *x,
            Expr::Column(n, _) => value(n),
            Expr::Neg(e) => -e.eval(value)?,
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.eval(value)?, b.eval(value)?);
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => div(a, b)?,
                }
            }
            Expr::Call(func, args) => {
                let (a, b) = (args[0].eval(value)?, args[1].eval(value)?);
                match func {
                    Func::Share => div(a, b)? * 100.0,
                    Func::Change => div(a - b, b)? * 100.0,
                    Func::Pp => a - b,
                    Func::PerThousand => div(a, b)? * 1000.0,
                }
            }
        };
        x.is_finite().then_some(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, vars: &[(&str, f64)]) -> Option<f64> {
        let lookup = |n: &str| vars.iter().find(|(k, _)| *k == n).map_or(f64::NAN, |v| v.1);
        parse(text).unwrap().eval(&lookup)
    }

    #[test]
    fn arithmetic_and_precedence() {
        assert_eq!(eval("1 + 2 * 3", &[]), Some(7.0));
        assert_eq!(eval("(1 + 2) * 3", &[]), Some(9.0));
        assert_eq!(eval("-2 * -3", &[]), Some(6.0));
        assert_eq!(eval("10 - 4 - 3", &[]), Some(3.0));
        assert_eq!(eval("12 / 4 / 3", &[]), Some(1.0));
        assert_eq!(eval("før * 2", &[("før", 163.0)]), Some(326.0));
        assert_eq!(eval("`2018` * 2", &[("2018", 163.0)]), Some(326.0));
        assert_eq!(eval("`2019-2020` + 1.5", &[("2019-2020", 1.0)]), Some(2.5));
    }

    #[test]
    fn functions_of_the_seeds() {
        let share = eval(
            "share(Påbegyndt, Målgruppe)",
            &[("Påbegyndt", 3386.0), ("Målgruppe", 72008.0)],
        );
        assert!((share.unwrap() - 4.7022).abs() < 1e-3);
        let change = eval("change(under, før)", &[("under", 599.0), ("før", 326.0)]).unwrap();
        assert!((change - 83.74).abs() < 1e-2);
        assert_eq!(
            eval("pp(a, b)", &[("a", 5.0), ("b", 4.4)]).map(|x| (x * 10.0).round()),
            Some(6.0)
        );
        assert_eq!(
            eval("per_thousand(a, b)", &[("a", 3.0), ("b", 1500.0)]),
            Some(2.0)
        );
    }

    #[test]
    fn division_by_zero_is_not_computable() {
        assert_eq!(eval("1 / 0", &[]), None);
        assert_eq!(eval("share(a, b)", &[("a", 0.0), ("b", 0.0)]), None);
        assert_eq!(eval("change(a, b)", &[("a", 5.0), ("b", 0.0)]), None);
        assert_eq!(eval("a * 2", &[("a", f64::INFINITY)]), None);
    }

    #[test]
    fn references_in_order() {
        let e = parse("share(b, a) + b").unwrap();
        assert_eq!(e.columns(), [("b", 6), ("a", 9), ("b", 14)]);
        let whole = |n: &str| n != "x";
        assert!(parse("a * 2 - b").unwrap().is_whole(&whole));
        assert!(!parse("a / 2").unwrap().is_whole(&whole));
        assert!(!parse("x + 1").unwrap().is_whole(&whole));
        assert!(!parse("share(a, b)").unwrap().is_whole(&whole));
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = parse("shar(a, b)").unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(e.help.contains("did you mean `share`"), "{e:?}");
        assert_eq!(parse("a + ").unwrap_err().offset, 4);
        assert_eq!(parse("(a + b").unwrap_err().message, "a `(` is not closed");
        assert_eq!(parse("a $ b").unwrap_err().offset, 2);
        assert!(
            parse("share(a)")
                .unwrap_err()
                .message
                .contains("two values")
        );
        assert!(parse("`abc").is_err());
        assert!(parse("").is_err());
        assert!(parse("a b").is_err());
    }
}
